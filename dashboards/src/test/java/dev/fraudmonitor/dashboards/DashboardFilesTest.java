package dev.fraudmonitor.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.dashboards.Dashboards.Dashboard;
import dev.fraudmonitor.dashboards.Dashboards.Query;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboards' shape: what Grafana 10/11 needs to import them and what analysts rely on. */
class DashboardFilesTest {
    private final Path dir = Dashboards.directory();
    private final List<Dashboard> dashboards = Dashboards.load(dir);

    @Test
    void theThreeDashboardsAndTheirProvisioningAreThere() {
        assertEquals(
                Set.of("fraud-overview", "fraud-rules-tuning", "fraud-pipeline-health"), uids());
        assertTrue(Files.isRegularFile(dir.resolve("provisioning/datasources/prometheus.yaml")));
        assertTrue(Files.isRegularFile(dir.resolve("provisioning/dashboards/fraud.yaml")));
        assertTrue(Files.isRegularFile(dir.resolve("prometheus.yml")));
    }

    @Test
    void everyDashboardUsesTheDatasourceVariableAndAGrafana10SchemaVersion() {
        for (Dashboard d : dashboards) {
            int schema = d.json().path("schemaVersion").asInt();
            assertTrue(schema >= 36 && schema <= 41, d.title() + ": schemaVersion " + schema);
            JsonNode ds = null;
            for (JsonNode v : d.json().path("templating").path("list")) {
                if (v.path("name").asText().equals("datasource")) ds = v;
            }
            assertTrue(ds != null, d.title() + ": no $datasource variable");
            assertEquals("datasource", ds.path("type").asText());
            assertEquals("prometheus", ds.path("query").asText());
            for (JsonNode v : d.json().path("templating").path("list")) {
                if (v.path("type").asText().equals("query")) {
                    assertEquals(
                            "${datasource}",
                            v.path("datasource").path("uid").asText(),
                            v.toString());
                }
            }
        }
    }

    @Test
    void everyPanelSaysWhatToReadFromItHasAUnitAndQueriesTheDatasourceVariable() {
        List<String> problems = new ArrayList<>();
        for (Dashboard d : dashboards) {
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : Dashboards.panels(d)) {
                String where = d.title() + " / " + p.path("title").asText();
                if (!ids.add(p.path("id").asInt())) problems.add(where + ": duplicate panel id");
                if (p.path("type").asText().equals("row")) continue;
                if (p.path("description").asText().length() < 40)
                    problems.add(where + ": no description telling the reader what to look for");
                if (p.path("fieldConfig").path("defaults").path("unit").asText().isEmpty())
                    problems.add(where + ": no unit");
                if (!p.path("datasource").path("uid").asText().equals("${datasource}"))
                    problems.add(where + ": panel datasource is not ${datasource}");
                if (p.path("targets").isEmpty()) problems.add(where + ": no query");
                for (JsonNode t : p.path("targets")) {
                    if (!t.path("datasource").path("uid").asText().equals("${datasource}"))
                        problems.add(where + ": query datasource is not ${datasource}");
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void everyQueryReadsAndRatesUseTheRateIntervalOrTheRange() {
        int count = 0;
        for (Dashboard d : dashboards) {
            for (Query q : Dashboards.queries(d)) {
                count++;
                if (q.variable()) {
                    assertFalse(
                            PromQl.extractTemplateQuery(q.expr()).metrics().isEmpty(), q.where());
                } else {
                    assertFalse(PromQl.extract(q.expr()).metrics().isEmpty(), q.where());
                    // A fixed range breaks when Grafana's step or the scrape interval changes.
                    assertFalse(
                            q.expr().matches("(?s).*\\[\\d+[smhd]].*"),
                            q.where() + " uses a fixed range: " + q.expr());
                }
            }
        }
        assertTrue(count >= 30, "queries found: " + count);
    }

    private Set<String> uids() {
        Set<String> out = new HashSet<>();
        for (Dashboard d : dashboards) {
            assertTrue(out.add(d.json().path("uid").asText()), "duplicate uid in " + d.file());
        }
        return out;
    }
}
