package io.dmexporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/** A Grafana dashboard JSON model, read for its panels, their PromQL targets and its variables. */
record GrafanaDashboard(String file, JsonNode json) {
  /** What every panel and target must use: the dashboard's datasource variable. */
  static final String DATASOURCE_UID = "${datasource}";
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\(\\s*(.+?)\\s*,\\s*(\\w+)\\s*\\)$");

  /** A PromQL query of a panel. */
  record Target(String refId, String expr, String legendFormat, boolean table) {}

  /** A panel (rows included) with its PromQL targets. */
  record Panel(int id, String type, String title, JsonNode json, List<Target> targets) {
    boolean isRow() {
      return type.equals("row");
    }

    /** Grafana shows this text instead of "No data" when every query is empty. */
    Optional<String> noValue() {
      JsonNode text = json.path("fieldConfig").path("defaults").path("noValue");
      return text.isTextual() ? Optional.of(text.asText()) : Optional.empty();
    }
  }

  /** A query variable and the series/label its {@code label_values(...)} query reads. */
  record QueryVariable(String name, JsonNode json, String selector, String label) {}

  static GrafanaDashboard load(RepoFiles repo, String file) {
    return new GrafanaDashboard(file, repo.json(file));
  }

  String uid() {
    return json.path("uid").asText();
  }

  /** All panels, those nested in collapsed rows included. */
  List<Panel> panels() {
    List<Panel> panels = new ArrayList<>();
    collect(json.path("panels"), panels);
    return panels;
  }

  private static void collect(JsonNode array, List<Panel> into) {
    for (JsonNode p : array) {
      List<Target> targets = new ArrayList<>();
      for (JsonNode t : p.path("targets")) {
        targets.add(new Target(t.path("refId").asText(), t.path("expr").asText(),
            t.path("legendFormat").asText(""), t.path("format").asText().equals("table")));
      }
      into.add(new Panel(p.path("id").asInt(-1), p.path("type").asText(), p.path("title").asText(),
          p, List.copyOf(targets)));
      collect(p.path("panels"), into);
    }
  }

  List<JsonNode> variables() {
    return StreamSupport.stream(json.path("templating").path("list").spliterator(), false).toList();
  }

  List<QueryVariable> queryVariables() {
    List<QueryVariable> vars = new ArrayList<>();
    for (JsonNode v : variables()) {
      if (!v.path("type").asText().equals("query")) {
        continue;
      }
      JsonNode query = v.path("query");
      String text = query.isObject() ? query.path("query").asText() : query.asText();
      Matcher m = LABEL_VALUES.matcher(text.trim());
      if (!m.matches()) {
        throw new AssertionError(file + ": variable " + v.path("name").asText()
            + " is not a label_values(series, label) query: " + text);
      }
      vars.add(new QueryVariable(v.path("name").asText(), v, m.group(1), m.group(2)));
    }
    return vars;
  }
}
