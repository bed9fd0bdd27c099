package io.dmexporter.cli;

import io.dmexporter.config.ConfigFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Parses the command line (and the YAML file it names) and runs the command; returns the exit code. */
public final class Cli {
  /** Exit code for bad input: unknown flag, bad value, bad config file. */
  public static final int USAGE = 2;

  private Cli() {}

  /** Builds the command line with its subcommands and error handling. */
  public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(command);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, args) -> {
      // One line, no usage dump and no stack trace: users should see what to fix.
      String msg = ex.getMessage();
      err.println("dm-exporter: " + (msg.endsWith(".") ? msg.substring(0, msg.length() - 1) : msg)
          + " (see --help)");
      err.flush();
      return USAGE;
    });
    return cl;
  }

  /** Runs {@code args}; a {@code --config.file} supplies defaults that flags override. */
  public static int run(String[] args, Object command, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(command, out, err);
    String problem = applyConfigFile(cl, args);
    if (problem != null) {
      err.println("dm-exporter: " + problem);
      err.flush();
      return USAGE;
    }
    return cl.execute(args);
  }

  /**
   * Makes the YAML file named by {@code --config.file} (if any) the source of defaults; returns
   * what is wrong with the file, or null.
   */
  static String applyConfigFile(CommandLine cl, String[] args) {
    String file = configFileArgument(args);
    if (file == null) {
      return null;
    }
    Map<String, String> values;
    try {
      values = ConfigFile.load(Path.of(file), keys(cl));
    } catch (ConfigFile.ConfigException e) {
      return e.getMessage();
    } catch (java.nio.file.InvalidPathException e) {
      return "config file path " + file + " is invalid: " + e.getReason();
    }
    cl.setDefaultValueProvider(arg -> arg instanceof OptionSpec o ? values.get(o.longestName().substring(2)) : null);
    return null;
  }

  private static Set<String> keys(CommandLine cl) {
    Set<String> keys = new HashSet<>();
    for (OptionSpec o : cl.getCommandSpec().options()) {
      String name = o.longestName();
      if (name.startsWith("--") && !o.usageHelp() && !o.versionHelp() && !name.equals("--config.file")) {
        keys.add(name.substring(2));
      }
    }
    return keys;
  }

  private static String configFileArgument(String[] args) {
    List<String> list = List.of(args);
    for (int i = 0; i < list.size(); i++) {
      String a = list.get(i);
      if (a.equals("--")) {
        return null;
      }
      if (a.startsWith("--config.file=")) {
        return a.substring("--config.file=".length());
      }
      if (a.equals("--config.file") && i + 1 < list.size()) {
        return list.get(i + 1);
      }
    }
    return null;
  }
}
