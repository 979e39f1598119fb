package io.hourmeter.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerCodecTest {

  @Test
  void aReportSurvivesEncodingExactlyWithEveryAwkwardCharacter() {
    UsageReport report = new UsageReport(42, "prod-a/b=c:d_e.f@g", "users per seat = ü €", 490_001,
        Instant.parse("2025-11-23T01:00:00.123456789Z"), Integer.MAX_VALUE,
        List.of(new UsageAllocation(7, Map.of("team", "a b+c", "env", "x=y")), new UsageAllocation(3, Map.of())),
        "hm1-token", 10, 20, ReportState.DEAD_LETTERED, 3, true, "rec-1", "why:\n \"quoted\" % & =",
        Instant.parse("2025-11-23T02:00:00Z"));

    assertThat(LedgerCodec.decodeReport(LedgerCodec.encodeReport(report))).isEqualTo(report);
  }

  @Test
  void theCarriedShareOfAReportSurvivesEncodingAndALedgerWrittenBeforeItReadsAsNone() {
    UsageReport report = new UsageReport(7, "p", "d", 1, Instant.EPOCH, 9, List.of(), null, -1, -1,
        ReportState.FROZEN, 0, false, null, null, Instant.EPOCH, 4);
    String older = "v=1 id=7 product=p dim=d hour=1 ts=1970-01-01T00%3A00%3A00Z q=9 range=-1%3A-1 state=FROZEN "
        + "attempts=0 unknown=false at=1970-01-01T00%3A00%3A00Z";

    assertThat(LedgerCodec.decodeReport(LedgerCodec.encodeReport(report))).isEqualTo(report);
    assertThat(LedgerCodec.decodeReport(older).carriedUnits()).isZero();
    assertThat(LedgerCodec.decodeReport(older).quantity()).isEqualTo(9);
  }

  @Test
  void aReportWithNullsSurvivesEncoding() {
    UsageReport report = new UsageReport(1, "p", "d", 1, Instant.EPOCH, 0, List.of(), null, -1, -1,
        ReportState.FROZEN, 0, false, null, null, Instant.EPOCH);

    assertThat(LedgerCodec.decodeReport(LedgerCodec.encodeReport(report))).isEqualTo(report);
  }

  @Test
  void unitsAndCountersSurviveEncoding() {
    Map<io.hourmeter.spi.UsageKey, BigInteger> units = Map.of(
        io.hourmeter.spi.UsageKey.of("a b"), new BigInteger("184467440737095516150"),
        io.hourmeter.spi.UsageKey.of("c"), BigInteger.ONE,
        new io.hourmeter.spi.UsageKey(io.hourmeter.Buyer.of("123456789012",
            "arn:aws:license-manager::123456789012:license/l-abc"), "a b"), BigInteger.TEN,
        new io.hourmeter.spi.UsageKey(io.hourmeter.Buyer.ofCustomerIdentifier("cust=1 x"), "c"), BigInteger.TWO);
    Counters counters = new Counters(1, 2, 3, 4, Long.MAX_VALUE);

    assertThat(LedgerCodec.decodeUnits(LedgerCodec.encodeUnits(units))).isEqualTo(units);
    assertThat(LedgerCodec.decodeCounters(LedgerCodec.encodeCounters(counters))).isEqualTo(counters);
  }

  @Test
  void reportKeysSortInIdOrder() {
    assertThat(LedgerCodec.reportKey(9)).isLessThan(LedgerCodec.reportKey(10));
    assertThat(LedgerCodec.reportKey(99_999)).isLessThan(LedgerCodec.reportKey(100_000));
  }

  @Test
  void everyLegalTransitionIsAllowedAndNoOther() {
    assertThat(ReportState.OPEN.canMoveTo(ReportState.FROZEN)).isTrue();
    assertThat(ReportState.FROZEN.canMoveTo(ReportState.IN_FLIGHT)).isTrue();
    assertThat(ReportState.IN_FLIGHT.canMoveTo(ReportState.ACCEPTED)).isTrue();
    assertThat(ReportState.IN_FLIGHT.canMoveTo(ReportState.FROZEN)).isTrue();
    assertThat(ReportState.ACCEPTED.canMoveTo(ReportState.FROZEN)).isFalse();
    assertThat(ReportState.FROZEN.canMoveTo(ReportState.ACCEPTED)).as("never accepted without a send").isFalse();
    assertThat(ReportState.CARRIED.canMoveTo(ReportState.FROZEN)).as("carried units are in another report").isFalse();
    assertThat(ReportState.DEAD_LETTERED.canMoveTo(ReportState.FROZEN)).isTrue();
    assertThat(ReportState.DEAD_LETTERED.canMoveTo(ReportState.CARRIED)).as("a re-queued letter whose hour is taken")
        .isTrue();
    assertThat(ReportState.DEAD_LETTERED.canMoveTo(ReportState.ACCEPTED)).isFalse();
  }
}
