package io.dmexporter.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logback, set up from {@code --log.level} and {@code --log.format}: one line per event on
 * stderr, logfmt or JSON. gRPC and Netty log through java.util.logging, bridged here too.
 */
public final class Logging {
  /** {@code --log.format} values, as the Go exporters spell them. */
  public enum Format { logfmt, json }

  /** {@code --log.level} values. */
  public enum Severity { debug, info, warn, error }

  private Logging() {}

  /** Replaces whatever configuration the context has with {@code level} and {@code format}. */
  public static void configure(Severity level, Format format) {
    configure((LoggerContext) LoggerFactory.getILoggerFactory(), level, format);
  }

  static void configure(LoggerContext context, Severity level, Format format) {
    context.reset();
    LevelChangePropagator julLevels = new LevelChangePropagator();
    julLevels.setContext(context);
    julLevels.setResetJUL(true);
    julLevels.start();
    context.addListener(julLevels);

    LineEncoder encoder = new LineEncoder(format);
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("stderr");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    Level root = Level.toLevel(level.name());
    Logger rootLogger = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLogger.setLevel(root);
    rootLogger.addAppender(stderr);
    // Jetty and gRPC (with its shaded Netty) are chatty below warn; --log.level=debug opens
    // gRPC up (TLS handshakes, name resolution) and Jetty to info.
    Level libraries = level == Severity.debug ? Level.INFO : root.isGreaterOrEqual(Level.WARN) ? root : Level.WARN;
    context.getLogger("org.eclipse.jetty").setLevel(libraries);
    context.getLogger("io.grpc").setLevel(level == Severity.debug ? Level.DEBUG : libraries);

    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
