package io.dmexporter;

import io.dmexporter.cli.Cli;
import io.dmexporter.cli.ExporterCommand;
import java.io.PrintWriter;

/** Entry point of {@code java -jar dm-exporter.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(Cli.run(args, new ExporterCommand(), out, err));
  }
}
