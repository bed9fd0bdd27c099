package io.dmexporter.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration before {@code --log.level} and {@code --log.format} are read (and in
 * tests): info, logfmt, stderr. Found by Logback through META-INF/services.
 */
public final class DefaultConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    Logging.configure(context, Logging.Severity.info, Logging.Format.logfmt);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
