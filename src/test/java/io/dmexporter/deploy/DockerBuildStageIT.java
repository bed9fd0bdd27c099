package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.deploy.DockerfileModel.Instruction;
import io.dmexporter.deploy.DockerfileModel.Stage;
import io.dmexporter.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * There is no Docker engine here, so this runs the Dockerfile's build stage by hand: it copies
 * exactly what the stage's COPY instructions name into an empty work directory, runs the stage's
 * RUN command there, and checks that the file the runtime stage copies out is a working jar.
 */
class DockerBuildStageIT {
  @TempDir Path work;

  @Test
  void buildStageBuildsTheJarTheRuntimeStageCopies() throws Exception {
    RepoFiles repo = RepoFiles.fromSystemProperty();
    DockerfileModel dockerfile = DockerfileModel.parse(repo.text("Dockerfile"));
    Stage build = dockerfile.stage("build");
    String workdir = build.last("WORKDIR").orElseThrow().args().trim();
    for (Instruction copy : build.all("COPY")) {
      List<String> words = copy.wordsWithoutFlags();
      for (String source : words.subList(0, words.size() - 1)) {
        copyTree(repo.path(source), work.resolve(source));
      }
    }
    List<String> command = new ArrayList<>(build.last("RUN").orElseThrow().wordsWithoutFlags());
    Path mvn = Tools.require(command.get(0), "maven");
    command.set(0, mvn.toString());
    Tools.Run run = Tools.run(command, null, work);
    assertEquals(0, run.exitCode(), "the build stage's command failed:\n" + run.output());

    Instruction copyOut = dockerfile.runtime().all("COPY").stream()
        .filter(i -> i.flag("from").map("build"::equals).orElse(false)).findFirst().orElseThrow();
    String jarInStage = copyOut.wordsWithoutFlags().get(0);
    assertTrue(jarInStage.startsWith(workdir + "/"), jarInStage + " lies under WORKDIR " + workdir);
    Path jar = work.resolve(jarInStage.substring(workdir.length() + 1));
    assertTrue(Files.isRegularFile(jar), "the build stage produced " + jarInStage);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Tools.Run version = Tools.run(List.of(java, "-jar", jar.toString(), "--version"), null, work);
    assertEquals(0, version.exitCode(), version.output());
    assertTrue(version.output().startsWith("dm-exporter "), version.output());
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
