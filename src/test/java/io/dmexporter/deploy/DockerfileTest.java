package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dmexporter.deploy.DockerfileModel.Instruction;
import io.dmexporter.deploy.DockerfileModel.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The Dockerfile cannot be built here (no Docker engine), so its invariants are checked as text. */
class DockerfileTest {
  /** The exporter's default --web.listen-address port. */
  static final int DEFAULT_PORT = 9263;
  /** The build stage's command; DockerBuildStageIT proves it builds the jar from the copied files. */
  static final List<String> CANONICAL_BUILD = List.of("mvn", "-B", "-q", "-DskipTests", "package");

  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final DockerfileModel dockerfile = DockerfileModel.parse(repo.text("Dockerfile"));

  @Test
  void buildStageRunsOneMavenPackageCommand() {
    Stage build = dockerfile.stage("build");
    assertTrue(build.image().startsWith("maven:3.9-eclipse-temurin-17"), build.image());
    List<List<String>> runs = build.all("RUN").stream().map(Instruction::wordsWithoutFlags).toList();
    // DockerBuildStageIT runs exactly this command on exactly the files the stage copies.
    assertEquals(List.of(CANONICAL_BUILD), runs, "the build stage must run only the Maven package command");
  }

  @Test
  void runtimeIsAJreAndRunsAsNonRoot() {
    Stage runtime = dockerfile.runtime();
    assertTrue(runtime.image().matches("eclipse-temurin:17(\\.[\\d.]+)?-jre.*"), runtime.image());
    String user = runtime.last("USER").orElseThrow(() -> new AssertionError("no USER")).args().trim();
    String uid = user.split(":")[0];
    assertTrue(uid.matches("\\d+"), "USER should be numeric so runAsNonRoot can check it: " + user);
    assertNotEquals(0, Integer.parseInt(uid), "USER must not be root");
    int userAt = runtime.instructions().indexOf(runtime.last("USER").get());
    int entrypointAt = runtime.instructions().indexOf(runtime.last("ENTRYPOINT").orElseThrow());
    assertTrue(userAt < entrypointAt, "USER must come before ENTRYPOINT");
  }

  @Test
  void exposesTheDefaultPort() {
    List<String> exposed = dockerfile.runtime().all("EXPOSE").stream()
        .flatMap(i -> i.wordsWithoutFlags().stream()).toList();
    assertEquals(List.of(String.valueOf(DEFAULT_PORT)), exposed);
  }

  @Test
  void healthcheckProbesHealthyWithAToolThatIsInTheImage() {
    Instruction check = dockerfile.runtime().last("HEALTHCHECK")
        .orElseThrow(() -> new AssertionError("no HEALTHCHECK"));
    Matcher cmd = Pattern.compile("\\bCMD\\s+(\\[.*])\\s*$").matcher(check.args());
    assertTrue(cmd.find(), "HEALTHCHECK must use the exec form CMD [...]: " + check.args());
    List<String> argv = execForm(cmd.group(1));
    assertTrue(argv.contains("http://127.0.0.1:" + DEFAULT_PORT + "/-/healthy"), argv.toString());
    String tool = argv.get(0);
    List<String> copiedTools = dockerfile.runtime().all("COPY").stream()
        .map(Instruction::wordsWithoutFlags).map(w -> w.get(w.size() - 1)).toList();
    assertTrue(copiedTools.contains(tool), tool + " is not copied into the runtime image");
    Instruction copy = dockerfile.runtime().all("COPY").stream()
        .filter(i -> i.wordsWithoutFlags().get(1).equals(tool)).findFirst().orElseThrow();
    Stage source = dockerfile.stage(copy.flag("from").orElseThrow());
    assertTrue(source.image().matches("busybox:[\\d.]+-musl"),
        "the probe must be the static (musl) busybox, it runs on any base: " + source.image());
  }

  @Test
  void runtimeRunsTheJarTheBuildProduces() {
    String jar = "target/" + mavenFinalName() + ".jar";
    Instruction copy = dockerfile.runtime().all("COPY").stream()
        .filter(i -> i.flag("from").orElse("").equals("build")).findFirst()
        .orElseThrow(() -> new AssertionError("no COPY --from=build"));
    List<String> words = copy.wordsWithoutFlags();
    String workdir = dockerfile.stage("build").last("WORKDIR").orElseThrow().args().trim();
    assertEquals(workdir.replaceAll("/$", "") + "/" + jar, words.get(0));
    String installed = words.get(1);

    List<String> entrypoint = execForm(dockerfile.runtime().last("ENTRYPOINT").orElseThrow().args());
    assertEquals("java", entrypoint.get(0));
    assertTrue(entrypoint.contains("-XX:MaxRAMPercentage=75"), entrypoint.toString());
    assertTrue(entrypoint.contains("-XX:+UseSerialGC"), entrypoint.toString());
    int jarFlag = entrypoint.indexOf("-jar");
    assertTrue(jarFlag > 0, "ENTRYPOINT must run -jar: " + entrypoint);
    assertEquals(installed, entrypoint.get(jarFlag + 1));
    assertEquals("/opt/dm-exporter/dm-exporter.jar", installed);
  }

  @Test
  void dockerignoreKeepsWhatTheBuildCopies() {
    DockerIgnore ignore = new DockerIgnore(repo.text(".dockerignore"));
    for (Instruction copy : dockerfile.stage("build").all("COPY")) {
      List<String> words = copy.wordsWithoutFlags();
      for (String source : words.subList(0, words.size() - 1)) {
        assertFalse(ignore.excludes(source), ".dockerignore excludes " + source);
        assertTrue(repo.exists(source), "COPY source missing from the repository: " + source);
      }
    }
    assertTrue(ignore.excludes("target/dm-exporter.jar"), "target/ should stay out of the context");
    assertTrue(ignore.excludes(".git"), ".git should stay out of the context");
  }

  @Test
  void parserJoinsContinuationsAndSkipsComments() {
    DockerfileModel model = DockerfileModel.parse(String.join("\n",
        "FROM a:1 AS one", "# note", "RUN --mount=type=cache,target=/x echo \\", "  # inner", "  hi",
        "FROM b:2", "USER 5"));
    assertEquals(2, model.stages().size());
    assertEquals(List.of("echo", "hi"), model.stage("one").all("RUN").get(0).wordsWithoutFlags());
    assertEquals("5", model.runtime().last("USER").orElseThrow().args());
  }

  /** The Maven command that scripts/test uses to build the jar (tokens, up to a shell operator). */
  private String mavenFinalName() {
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(false);
      Document pom = factory.newDocumentBuilder().parse(repo.path("pom.xml").toFile());
      var names = pom.getElementsByTagName("finalName");
      assertEquals(1, names.getLength(), "pom.xml should set one <finalName>");
      return names.item(0).getTextContent().trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new AssertionError("cannot read pom.xml", e);
    }
  }

  private static List<String> execForm(String json) {
    try {
      return RepoFiles.JSON.readValue(json.trim(), new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new AssertionError("not an exec-form JSON array: " + json, e);
    }
  }

  /** The subset of .dockerignore semantics used here: globs per path, the last match wins. */
  record DockerIgnore(List<String> patterns) {
    DockerIgnore(String text) {
      this(text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
    }

    boolean excludes(String path) {
      String clean = path.replaceAll("^\\./", "").replaceAll("/$", "");
      boolean excluded = false;
      for (String pattern : patterns) {
        boolean negated = pattern.startsWith("!");
        String glob = (negated ? pattern.substring(1) : pattern).replaceAll("/$", "");
        String regex = glob.replace(".", "\\.").replace("**", "\u0000").replace("*", "[^/]*")
            .replace("\u0000", ".*");
        // a pattern matching a directory also covers everything below it
        if (clean.matches(regex) || clean.matches(regex + "/.*")) {
          excluded = !negated;
        }
      }
      return excluded;
    }
  }
}
