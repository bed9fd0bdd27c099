package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/** deploy/kubernetes/prometheusrule.yaml must hold exactly the rules of alerts/dm-exporter.rules.yml. */
class PrometheusRuleDriftTest {
  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final PrometheusRuleGenerator generator = new PrometheusRuleGenerator(repo);

  @Test
  void committedResourceMatchesTheRuleFile() {
    if (Boolean.getBoolean("regenerate")) {
      generator.write();
      System.out.println("regenerated " + PrometheusRuleGenerator.OUTPUT);
    }
    JsonNode committed = repo.yaml(PrometheusRuleGenerator.OUTPUT);
    JsonNode expected = generator.resource();
    assertTrue(expected.equals(committed), PrometheusRuleGenerator.OUTPUT + " drifted from "
        + PrometheusRuleGenerator.RULES + " at " + firstDifference(expected, committed, "")
        + "; regenerate it with: " + PrometheusRuleGenerator.REGENERATE);
  }

  /** The JSON pointer of the first place where two trees differ, to name it in the failure. */
  static String firstDifference(JsonNode a, JsonNode b, String path) {
    if (a.equals(b)) {
      return null;
    }
    if (a.isContainerNode() && b.isContainerNode() && a.getNodeType() == b.getNodeType()
        && a.size() == b.size()) {
      Iterator<String> names = a.isObject() ? a.fieldNames() : null;
      for (int i = 0; i < a.size(); i++) {
        String key = names != null ? names.next() : String.valueOf(i);
        JsonNode left = names != null ? a.path(key) : a.get(i);
        JsonNode right = names != null ? b.path(key) : b.get(i);
        String found = firstDifference(left, right, path + "/" + key);
        if (found != null) {
          return found;
        }
      }
    }
    return path.isEmpty() ? "/" : path + " (" + a + " vs " + b + ")";
  }

  @Test
  void renderedYamlReadsBackAsTheSameGroups() throws IOException {
    JsonNode reread = RepoFiles.YAML.readTree(generator.render());
    assertEquals(repo.yaml(PrometheusRuleGenerator.RULES).path("groups"), reread.path("spec").path("groups"));
    assertEquals("PrometheusRule", reread.path("kind").asText());
    assertEquals("monitoring.coreos.com/v1", reread.path("apiVersion").asText());
  }
}
