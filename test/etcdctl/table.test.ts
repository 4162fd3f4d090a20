import { describe, expect, test } from "vitest";
import { renderTable } from "../../src/etcdctl/table.js";

// tablewriter v0.0.5 as etcdctl v3.5 sets it up (printer_table.go: SetHeader, Append,
// SetAlignment(ALIGN_RIGHT), Render): headers upper-cased and centred, cells right-aligned.
describe("tables", () => {
  test("endpoint status, as etcdctl -w table prints it", () => {
    const table = renderTable(
      ["endpoint", "ID", "version", "db size", "is leader", "is learner", "raft term", "raft index", "raft applied index", "errors"],
      [["127.0.0.1:2379", "8e9e05c52164694d", "3.5.0", "25 kB", "true", "false", "2", "4", "4", ""]],
    );
    expect(table).toBe(
      [
        "+----------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+",
        "|    ENDPOINT    |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |",
        "+----------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+",
        "| 127.0.0.1:2379 | 8e9e05c52164694d |   3.5.0 |   25 kB |      true |      false |         2 |          4 |                  4 |        |",
        "+----------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+",
        "",
      ].join("\n"),
    );
  });

  test("a cell wider than 30 columns wraps at spaces; the column is then 30 wide", () => {
    const table = renderTable(["errors"], [["memberID:10276657743932975437 alarm:NOSPACE "]]);
    expect(table).toBe(
      [
        "+--------------------------------+",
        "|             ERRORS             |",
        "+--------------------------------+",
        "|  memberID:10276657743932975437 |",
        "|                 alarm:NOSPACE  |",
        "+--------------------------------+",
        "",
      ].join("\n"),
    );
  });

  test("words longer than 30 columns are never split; an empty table has only its header", () => {
    const url = "http://very-long-host-name.example.com:2380";
    expect(renderTable(["peer addrs"], [[url]]).split("\n")[3]).toBe(`| ${url} |`);
    expect(renderTable(["a_b", "c"], [])).toBe("+-----+---+\n| A B | C |\n+-----+---+\n+-----+---+\n");
  });
});
