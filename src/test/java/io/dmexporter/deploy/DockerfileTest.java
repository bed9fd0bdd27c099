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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The Dockerfile's invariants, as text; ContainerImageIT builds it with podman and runs the image. */
class DockerfileTest {
  /** The exporter's default --web.listen-address port. */
  static final int DEFAULT_PORT = 9263;
  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final DockerfileModel dockerfile = DockerfileModel.parse(repo.text("Dockerfile"));

  @Test
  void buildStageRunsOneMavenPackageCommandWithoutTheBundle() {
    Stage build = dockerfile.stage("build");
    assertTrue(build.image().startsWith("maven:3.9-eclipse-temurin-17"), build.image());
    List<List<String>> runs = build.all("RUN").stream().map(Instruction::wordsWithoutFlags).toList();
    assertEquals(1, runs.size(), "the build stage must run only the Maven package command: " + runs);
    List<String> run = runs.get(0);
    assertEquals(List.of("mvn", "-B", "-q", "-Dmaven.test.skip=true"), run.subList(0, 4), run.toString());
    assertEquals("package", run.get(run.size() - 1), run.toString());
    // the bundle needs alerts/, grafana/ and deploy/, which the build context leaves out
    assertTrue(run.contains("-Ddm.bundle.skip=true"), run.toString());
    assertTrue(build.last("RUN").orElseThrow().args().contains("--mount=type=cache,target=/root/.m2"),
        "the build keeps ~/.m2 in a cache mount");
  }

  @Test
  void runtimeCarriesTheOpenContainersLabels() {
    String labels = String.join(" ", dockerfile.runtime().all("LABEL").stream().map(Instruction::args).toList());
    for (String key : List.of("title", "description", "version", "revision", "created", "source", "url",
        "documentation", "licenses")) {
      assertTrue(labels.contains("org.opencontainers.image." + key + "="), "no label org.opencontainers.image." + key);
    }
    String versionArg = dockerfile.runtime().all("ARG").stream().map(Instruction::args)
        .filter(a -> a.startsWith("VERSION=")).findFirst().orElseThrow(() -> new AssertionError("no ARG VERSION"));
    assertEquals("VERSION=" + repo.projectVersion(), versionArg, "ARG VERSION defaults to the pom's version");
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
    String script = argv.get(argv.size() - 1);
    assertTrue(script.contains("${DM_EXPORTER_HEALTHCHECK_URL:-http://127.0.0.1:" + DEFAULT_PORT + "/-/healthy}"),
        "the probe's URL defaults to /-/healthy on the default port and can be set: " + script);
    // busybox builds without FEATURE_WGET_TIMEOUT (Debian's) crash on wget -T; --timeout bounds it
    assertFalse(script.matches(".*\\s-T\\s.*"), script);
    assertTrue(check.args().contains("--timeout="), check.args());
    String tool = argv.get(0);
    assertTrue(script.contains(tool + " wget"), script);
    Instruction copy = dockerfile.runtime().all("COPY").stream()
        .filter(i -> i.wordsWithoutFlags().get(1).equals(tool)).findFirst()
        .orElseThrow(() -> new AssertionError(tool + " is not copied into the runtime image"));
    Stage source = dockerfile.stage(copy.flag("from").orElseThrow());
    assertTrue(source.image().matches("busybox:[\\d.]+-musl"),
        "the probe must be the static (musl) busybox, it runs on any base: " + source.image());
  }

  @Test
  void runtimeRunsTheBundlesLauncherWithTheJarTheBuildProduces() {
    String jar = "target/" + mavenFinalName() + ".jar";
    Instruction copy = dockerfile.runtime().all("COPY").stream()
        .filter(i -> i.flag("from").orElse("").equals("build")).findFirst()
        .orElseThrow(() -> new AssertionError("no COPY --from=build"));
    List<String> words = copy.wordsWithoutFlags();
    String workdir = dockerfile.stage("build").last("WORKDIR").orElseThrow().args().trim();
    assertEquals(workdir.replaceAll("/$", "") + "/" + jar, words.get(0));
    assertEquals("/opt/dm-exporter/lib/dm-exporter.jar", words.get(1));

    // the image has the release bundle's layout: bin/dm-exporter reads conf/jvm.options
    Map<String, String> copied = new java.util.HashMap<>();
    for (Instruction c : dockerfile.runtime().all("COPY")) {
      if (c.flag("from").isEmpty()) {
        copied.put(c.wordsWithoutFlags().get(1), c.wordsWithoutFlags().get(0));
      }
    }
    assertEquals("src/main/dist/bin/dm-exporter", copied.get("/opt/dm-exporter/bin/dm-exporter"));
    assertEquals("src/main/dist/conf/jvm.options", copied.get("/opt/dm-exporter/conf/jvm.options"));
    List<String> entrypoint = execForm(dockerfile.runtime().last("ENTRYPOINT").orElseThrow().args());
    assertEquals(List.of("/opt/dm-exporter/bin/dm-exporter"), entrypoint);
  }

  @Test
  void dockerignoreKeepsWhatTheBuildCopies() {
    DockerIgnore ignore = new DockerIgnore(repo.text(".dockerignore"));
    List<Instruction> fromContext = dockerfile.stages().stream().flatMap(st -> st.all("COPY").stream())
        .filter(c -> c.flag("from").isEmpty()).toList();
    for (Instruction copy : fromContext) {
      List<String> words = copy.wordsWithoutFlags();
      for (String source : words.subList(0, words.size() - 1)) {
        assertFalse(ignore.excludes(source), ".dockerignore excludes " + source);
        assertTrue(repo.exists(source), "COPY source missing from the repository: " + source);
      }
    }
    assertTrue(ignore.excludes("target/dm-exporter.jar"), "target/ should stay out of the context");
    assertTrue(ignore.excludes(".git"), ".git should stay out of the context");
    assertTrue(ignore.excludes("src/test/java"), "tests stay out of the context: the image does not build them");
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

  /** The build's {@code <finalName>}: the name of the jar under target/. */
  private String mavenFinalName() {
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(false);
      Document pom = factory.newDocumentBuilder().parse(repo.path("pom.xml").toFile());
      var build = (org.w3c.dom.Element) pom.getDocumentElement().getElementsByTagName("build").item(0);
      for (var n = build.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n.getNodeName().equals("finalName")) {
          return n.getTextContent().trim();
        }
      }
      throw new AssertionError("pom.xml sets no <build><finalName>");
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
