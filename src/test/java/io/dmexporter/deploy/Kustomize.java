package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders deploy/kubernetes offline with {@code kubectl kustomize}, as {@code kubectl apply -k}
 * would send it to a cluster, optionally with components of deploy/kubernetes/components.
 */
final class Kustomize {
  static final String BASE = "deploy/kubernetes";

  private final RepoFiles repo;

  Kustomize(RepoFiles repo) {
    this.repo = repo;
  }

  /** The rendered objects of the base plus the named components, as a user's kustomization holds them. */
  List<JsonNode> render(String... components) {
    Path kubectl = Command.require("kubectl", "kubectl (or kubernetes-client, whose kustomize is too old)",
        "the Kubernetes manifest tests");
    try {
      // kustomize takes only relative paths, and none that climb out of a parent into its child
      Path dir = Files.createDirectories(repo.path("target/kustomize")).resolve("with-" + components.length + "-"
          + String.join("-", components));
      Files.createDirectories(dir);
      String base = dir.relativize(repo.path(BASE)).toString();
      StringBuilder k = new StringBuilder("resources:\n  - " + base + "\n");
      if (components.length > 0) {
        k.append("components:\n");
        for (String c : components) {
          k.append("  - " + base + "/components/").append(c).append('\n');
        }
      }
      Files.writeString(dir.resolve("kustomization.yaml"), k.toString());
      Command.Result r = Command.run(List.of(kubectl.toString(), "kustomize", dir.toString()), null,
          Duration.ofMinutes(1));
      assertTrue(r.exitCode() == 0, "kubectl kustomize failed (its kustomize must be v4 or later: "
          + version(kubectl) + "):\n" + r.output());
      Path out = dir.resolve("rendered.yaml");
      Files.writeString(out, r.output());
      return new RepoFiles(dir).yamlDocuments("rendered.yaml");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String version(Path kubectl) {
    Matcher m = Pattern.compile("Kustomize Version: (\\S+)").matcher(
        Command.run(List.of(kubectl.toString(), "version", "--client"), null, Duration.ofMinutes(1)).output());
    return m.find() ? "kustomize " + m.group(1) : "kustomize version unknown";
  }

  /** The one object of that kind, or a failure listing what was rendered. */
  static JsonNode only(List<JsonNode> objects, String kind) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode o : objects) {
      if (o.path("kind").asText().equals(kind)) {
        found.add(o);
      }
    }
    assertTrue(found.size() == 1, "expected one " + kind + ", rendered " + objects.stream()
        .map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()).toList());
    return found.get(0);
  }
}
