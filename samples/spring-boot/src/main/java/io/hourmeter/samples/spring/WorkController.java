package io.hourmeter.samples.spring;

import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /work?tenant=acme}: does the tenant's work and meters it on the tenant's plan. */
@RestController
class WorkController {

  private final PlanMetering metering;

  WorkController(PlanMetering metering) {
    this.metering = metering;
  }

  @GetMapping("/work")
  ResponseEntity<Map<String, String>> work(@RequestParam(name = "tenant", required = false) String tenant) {
    String plan = metering.planOf(tenant);
    if (plan == null) {
      return ResponseEntity.status(404).body(Map.of("error", "unknown tenant; try ?tenant=acme"));
    }
    metering.recordRequest(plan);
    return ResponseEntity.ok(Map.of("tenant", tenant, "plan", plan, "result", "done"));
  }
}
