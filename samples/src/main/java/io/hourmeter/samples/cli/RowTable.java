package io.hourmeter.samples.cli;

import io.hourmeter.samples.support.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The text table of rows that the JSON output prints as maps: each column names its header and the
 * row field it shows. In a SaaS directory a customer column (the buyer key, {@link BuyerColumns})
 * follows the hour column, so every command places it alike. Not thread-safe.
 */
final class RowTable {
  private final boolean saas;
  private final List<String> headers = new ArrayList<>();
  private final List<String> fields = new ArrayList<>();
  private final List<Map<String, Object>> rows = new ArrayList<>();

  RowTable(boolean saas) {
    this.saas = saas;
  }

  /** Adds a column showing {@code field}; after the {@code hour} field's comes the customer column in SaaS. */
  RowTable column(String header, String field) {
    headers.add(header);
    fields.add(field);
    if (saas && field.equals("hour")) {
      headers.add("customer");
      fields.add("customer");
    }
    return this;
  }

  RowTable add(Map<String, Object> row) {
    rows.add(row);
    return this;
  }

  RowTable addAll(List<Map<String, Object>> more) {
    rows.addAll(more);
    return this;
  }

  @Override
  public String toString() {
    Table table = new Table(headers.toArray(String[]::new));
    for (Map<String, Object> row : rows) {
      table.row(fields.stream().map(row::get).toArray());
    }
    return table.toString();
  }
}
