/**
 * Printers of the cluster commands (etcdctl v3.5 `printer.go` tables, `printer_simple.go`,
 * `printer_json.go`, `printer_fields.go`, `printer_table.go`; etcdutl v3.5's printers for
 * `snapshot status`; the commands' own `fmt.Printf` lines):
 *
 * - lease: `lease <id %016x> granted with TTL(<ttl>s)`, `... revoked`, `... keepalived with TTL(<ttl>)`,
 *   `... granted with TTL(<g>s), remaining(<r>s)[, attached keys([k1 k2])]` or `... already expired`,
 *   `found <n> leases` and the IDs; json of clientv3's structs (header fields at the top level);
 * - member: `<id %x>, started|unstarted, <name>, <peer urls>, <client urls>, <is learner>`;
 *   `Member <id %16x> added to cluster <cluster %16x>` and the ETCD_* lines to start it;
 * - endpoint: health lines (unhealthy ones on stderr, then "Error: unhealthy cluster"); status rows
 *   with the db size in SI units (go-humanize); both as tables with `-w table`;
 * - snapshot: `Snapshot saved at <path>`; status `<hash %x>, <revision>, <keys>, <size>`;
 *   restore's log lines;
 * - defrag: `Finished defragmenting etcd member[<endpoint>]`;
 * - alarm: the protobuf compact text of each alarm, `memberID:<id> alarm:NOSPACE ` (trailing space);
 * - move-leader: `Leadership transferred from <id %x> to <id %x>`.
 */
import type { AlarmMember, AlarmResponse, AlarmType, LeaseGrantResponse, ResponseHeader } from "../mvcc/types.js";
import { goDuration, goStringList, hex, hex016, hex16, humanizeBytes, quoteBytes, quoteText } from "./go-format.js";
import { base64, field, type GoJson, type GoObject, goJsonString, goObject, omitEmpty } from "./go-json.js";
import { displayBytes, headerFields, headerJson, type Output, type PrintContext, printFieldsHeader, unsupportedFormat } from "./print-common.js";
import { renderTable } from "./table.js";
import {
  type ClusterHeader,
  type DefragResult,
  type EndpointHealth,
  type EndpointStatus,
  type EndpointStatusResult,
  exitCodes,
  type GlobalOptions,
  type LeaseId,
  type LeaseKeepAliveResponse,
  type LeaseKeepAliveResult,
  type LeaseLeasesResponse,
  type LeaseTimeToLiveResponse,
  type MemberAddResponse,
  type MemberChangeResponse,
  type MemberInfo,
  type MemberListResponse,
  type MoveLeaderResponse,
  type SnapshotRestoreOptions,
  type SnapshotRestoreResult,
  type SnapshotStatus,
} from "./types.js";

export function printLeaseGrant(output: Output, global: GlobalOptions, context: PrintContext, response: LeaseGrantResponse): void {
  switch (global.writeOut) {
    case "simple":
      return output.line(`lease ${hex016(response.id)} granted with TTL(${response.ttl}s)`);
    case "json":
      return output.json(goObject(...headerFields(context.cluster, response.header.revision), field("ID", response.id), field("TTL", response.ttl), field("Error", response.error)));
    case "fields":
      printFieldsHeader(output, context.cluster, response.header.revision);
      output.line(`"ID" : ${response.id}`);
      return output.line(`"TTL" : ${response.ttl}`);
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

export function printLeaseRevoke(output: Output, global: GlobalOptions, context: PrintContext, id: LeaseId, header: ResponseHeader): void {
  switch (global.writeOut) {
    case "simple":
      return output.line(`lease ${hex016(id)} revoked`);
    case "json":
      return output.json(goObject(field("header", headerJson(context, header))));
    case "fields":
      return printFieldsHeader(output, context.cluster, header.revision);
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

function printKeepAliveResponse(output: Output, global: GlobalOptions, context: PrintContext, response: LeaseKeepAliveResponse): void {
  switch (global.writeOut) {
    case "simple":
      return output.line(`lease ${hex016(response.id)} keepalived with TTL(${response.ttl})`);
    case "json":
      return output.json(goObject(...headerFields(context.cluster, response.header.revision), field("ID", response.id), field("TTL", response.ttl)));
    case "fields":
      printFieldsHeader(output, context.cluster, response.header.revision);
      output.line(`"ID" : ${response.id}`);
      return output.line(`"TTL" : ${response.ttl}`);
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

/** The answers with a TTL; the stream closes on the first answer without one (the lease is gone). */
export function printLeaseKeepAlive(output: Output, global: GlobalOptions, context: PrintContext, id: LeaseId, result: LeaseKeepAliveResult): void {
  for (const response of result.responses) {
    if (response.ttl <= 0) break;
    printKeepAliveResponse(output, global, context, response);
    if (output.exited) return;
  }
  if (result.ended && global.writeOut === "simple") output.line(`lease ${hex016(id)} expired or revoked.`);
}

export function printLeaseTimeToLive(output: Output, global: GlobalOptions, context: PrintContext, response: LeaseTimeToLiveResponse, keys: boolean): void {
  switch (global.writeOut) {
    case "simple": {
      if (response.grantedTtl === 0 && response.ttl === -1) return output.line(`lease ${hex016(response.id)} already expired`);
      const attached = keys ? `, attached keys(${goStringList(response.keys.map(displayBytes))})` : "";
      return output.line(`lease ${hex016(response.id)} granted with TTL(${response.grantedTtl}s), remaining(${response.ttl}s)${attached}`);
    }
    case "json":
      return output.json(
        goObject(
          ...headerFields(context.cluster, response.header.revision),
          field("id", response.id),
          field("ttl", response.ttl),
          field("granted-ttl", response.grantedTtl),
          field("keys", response.keys.length === 0 ? null : response.keys.map(base64)),
        ),
      );
    case "fields":
      printFieldsHeader(output, context.cluster, response.header.revision);
      output.line(`"ID" : ${response.id}`);
      output.line(`"TTL" : ${response.ttl}`);
      output.line(`"GrantedTTL" : ${response.grantedTtl}`);
      for (const key of response.keys) output.line(`"Key" : ${quoteBytes(key)}`);
      return;
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

export function printLeaseList(output: Output, global: GlobalOptions, context: PrintContext, response: LeaseLeasesResponse): void {
  switch (global.writeOut) {
    case "simple":
      output.line(`found ${response.ids.length} leases`);
      for (const id of response.ids) output.line(hex016(id));
      return;
    case "json":
      return output.json(goObject(...headerFields(context.cluster, response.header.revision), field("leases", response.ids.map((id) => goObject(field("id", id))))));
    case "fields":
      printFieldsHeader(output, context.cluster, response.header.revision);
      for (const id of response.ids) output.line(`"ID" : ${id}`);
      return;
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

/** `printer.go: makeMemberListTable`. */
function memberRows(members: readonly MemberInfo[]): string[][] {
  return members.map((member) => [hex(member.id), member.name === "" ? "unstarted" : "started", member.name, member.peerURLs.join(","), member.clientURLs.join(","), String(member.isLearner)]);
}

function memberJson(member: MemberInfo): GoObject {
  return goObject(
    omitEmpty("ID", member.id),
    omitEmpty("name", member.name),
    omitEmpty("peerURLs", [...member.peerURLs]),
    omitEmpty("clientURLs", [...member.clientURLs]),
    omitEmpty("isLearner", member.isLearner),
  );
}

/** `json.Marshal` of a repeated string field as protobuf decoding leaves it: nil (null) when empty. */
function urlsJson(urls: readonly string[]): string {
  return urls.length === 0 ? "null" : `[${urls.map(goJsonString).join(",")}]`;
}

/** `printer_json.go: printMemberListWithHexJSON`, byte for byte: the raft term in hex without quotes, names unescaped, "clientURLS". */
function memberListHexJson(cluster: ClusterHeader, members: readonly MemberInfo[]): string {
  let text = `{"header":{"cluster_id":"${hex(cluster.clusterId)}","member_id":"${hex(cluster.memberId)}","raft_term":${hex(cluster.raftTerm)}}`;
  members.forEach((member, index) => {
    text += index === 0 ? ',"members":[{"ID":"' : ',{"ID":"';
    text += `${hex(member.id)}","name":"${member.name}","peerURLs":${urlsJson(member.peerURLs)},"clientURLS":${urlsJson(member.clientURLs)}}`;
    if (index === members.length - 1) text += "]";
  });
  return `${text}}`;
}

function membersField(members: readonly MemberInfo[]): ReturnType<typeof omitEmpty> {
  return omitEmpty("members", members.map(memberJson));
}

export function printMemberList(output: Output, global: GlobalOptions, context: PrintContext, response: MemberListResponse): void {
  const headers = ["ID", "Status", "Name", "Peer Addrs", "Client Addrs", "Is Learner"];
  switch (global.writeOut) {
    case "simple":
      for (const row of memberRows(response.members)) output.line(row.join(", "));
      return;
    case "json":
      if (global.hex) return output.line(memberListHexJson(context.cluster, response.members));
      return output.json(goObject(field("header", headerJson(context, response.header)), membersField(response.members)));
    case "fields":
      printFieldsHeader(output, context.cluster, response.header.revision);
      for (const member of response.members) {
        output.line(`"ID" : ${member.id}`);
        output.line(`"Name" : ${quoteText(member.name)}`);
        for (const url of member.peerURLs) output.line(`"PeerURL" : ${quoteText(url)}`);
        for (const url of member.clientURLs) output.line(`"ClientURL" : ${quoteText(url)}`);
        output.line(`"IsLearner" : ${member.isLearner}`);
        output.line();
      }
      return;
    case "table":
      return output.out(renderTable(headers, memberRows(response.members)));
  }
}

/** `member add`: the printer's line, then (simple only) the environment to start the new member with. */
export function printMemberAdd(output: Output, global: GlobalOptions, context: PrintContext, response: MemberAddResponse, name: string, peerURLs: readonly string[]): void {
  switch (global.writeOut) {
    case "simple": {
      output.line(`Member ${hex16(response.member.id)} added to cluster ${hex16(context.cluster.clusterId)}`);
      const initialCluster = response.members.flatMap((member) => member.peerURLs.map((url) => `${member.id === response.member.id ? name : member.name}=${url}`));
      output.out("\n");
      output.line(`ETCD_NAME=${quoteText(name)}`);
      output.line(`ETCD_INITIAL_CLUSTER=${quoteText(initialCluster.join(","))}`);
      output.line(`ETCD_INITIAL_ADVERTISE_PEER_URLS=${quoteText(peerURLs.join(","))}`);
      return output.line('ETCD_INITIAL_CLUSTER_STATE="existing"');
    }
    case "json":
      return output.json(goObject(field("header", headerJson(context, response.header)), field("member", memberJson(response.member)), membersField(response.members)));
    case "fields":
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

/** `member remove|update|promote`. */
export function printMemberChange(output: Output, global: GlobalOptions, context: PrintContext, response: MemberChangeResponse, id: bigint, verb: "removed from" | "updated in" | "promoted in"): void {
  switch (global.writeOut) {
    case "simple":
      return output.line(`Member ${hex16(id)} ${verb} cluster ${hex16(context.cluster.clusterId)}`);
    case "json":
      return output.json(goObject(field("header", headerJson(context, response.header)), membersField(response.members)));
    case "fields":
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

function healthTook(health: EndpointHealth): string {
  return goDuration(BigInt(health.tookUs) * 1_000n);
}

export function printEndpointHealth(output: Output, global: GlobalOptions, healths: readonly EndpointHealth[]): void {
  switch (global.writeOut) {
    case "simple":
      for (const health of healths) {
        if (health.error === "") output.line(`${health.endpoint} is healthy: successfully committed proposal: took = ${healthTook(health)}`);
        else output.err(`${health.endpoint} is unhealthy: failed to commit proposal: ${health.error}\n`);
      }
      break;
    case "json":
      output.json(
        healths.map((health) =>
          goObject(field("endpoint", health.endpoint), field("health", health.health), field("took", healthTook(health)), omitEmpty("error", health.error)),
        ),
      );
      break;
    case "fields":
      for (const health of healths) {
        output.line(`"Endpoint" : ${quoteText(health.endpoint)}`);
        output.line(`"Health" : ${health.health}`);
        output.line(`"Took" : ${healthTook(health)}`);
        output.line(`"Error" : ${health.error}`);
        output.line();
      }
      break;
    case "table":
      output.out(renderTable(["endpoint", "health", "took", "error"], healths.map((health) => [health.endpoint, String(health.health), healthTook(health), health.error])));
      break;
  }
  if (healths.some((health) => health.error !== "")) output.exitWithError(exitCodes.error, "unhealthy cluster");
}

/** `printer.go: makeEndpointStatusTable`. */
function statusRows(statuses: readonly EndpointStatus[]): string[][] {
  return statuses.map((status) => [
    status.endpoint,
    hex(status.memberId),
    status.version,
    humanizeBytes(status.dbSize),
    String(status.leader === status.memberId),
    String(status.isLearner),
    String(status.raftTerm),
    String(status.raftIndex),
    String(status.raftAppliedIndex),
    status.errors.join(", "),
  ]);
}

function statusJson(status: EndpointStatus): GoObject {
  const cluster: ClusterHeader = { clusterId: status.clusterId, memberId: status.memberId, raftTerm: status.raftTerm };
  return goObject(
    field("Endpoint", status.endpoint),
    field(
      "Status",
      goObject(
        field("header", goObject(...headerFields(cluster, status.revision))),
        omitEmpty("version", status.version),
        omitEmpty("dbSize", status.dbSize),
        omitEmpty("leader", status.leader),
        omitEmpty("raftIndex", status.raftIndex),
        omitEmpty("raftTerm", status.raftTerm),
        omitEmpty("raftAppliedIndex", status.raftAppliedIndex),
        omitEmpty("errors", [...status.errors]),
        omitEmpty("dbSizeInUse", status.dbSizeInUse),
        omitEmpty("isLearner", status.isLearner),
      ),
    ),
  );
}

function printFieldsStatus(output: Output, status: EndpointStatus): void {
  printFieldsHeader(output, { clusterId: status.clusterId, memberId: status.memberId, raftTerm: status.raftTerm }, status.revision);
  output.line(`"Version" : ${quoteText(status.version)}`);
  output.line(`"DBSize" : ${status.dbSize}`);
  output.line(`"Leader" : ${status.leader}`);
  output.line(`"IsLearner" : ${status.isLearner}`);
  output.line(`"RaftIndex" : ${status.raftIndex}`);
  output.line(`"RaftTerm" : ${status.raftTerm}`);
  output.line(`"RaftAppliedIndex" : ${status.raftAppliedIndex}`);
  output.line(`"Errors" : ${goStringList(status.errors)}`);
  output.line(`"Endpoint" : ${quoteText(status.endpoint)}`);
  output.line();
}

const statusHeaders = ["endpoint", "ID", "version", "db size", "is leader", "is learner", "raft term", "raft index", "raft applied index", "errors"];

export function printEndpointStatus(output: Output, global: GlobalOptions, result: EndpointStatusResult): void {
  for (const failure of result.failures) output.err(`Failed to get the status of endpoint ${failure.endpoint} (${failure.error})\n`);
  switch (global.writeOut) {
    case "simple":
      for (const row of statusRows(result.statuses)) output.line(row.join(", "));
      break;
    case "json":
      output.json(result.statuses.map(statusJson));
      break;
    case "fields":
      for (const status of result.statuses) printFieldsStatus(output, status);
      break;
    case "table":
      output.out(renderTable(statusHeaders, statusRows(result.statuses)));
      break;
  }
  if (result.failures.length > 0) output.exit(exitCodes.error);
}

export function printSnapshotSave(output: Output, path: string): void {
  output.line(`Snapshot saved at ${path}`);
}

/** etcdutl v3.5 `makeDBStatusTable` and its printers. */
export function printSnapshotStatus(output: Output, global: GlobalOptions, status: SnapshotStatus): void {
  const row = [status.hash.toString(16), String(status.revision), String(status.totalKey), humanizeBytes(status.totalSize)];
  switch (global.writeOut) {
    case "simple":
      return output.line(row.join(", "));
    case "json":
      return output.json(goObject(field("hash", status.hash), field("revision", status.revision), field("totalKey", status.totalKey), field("totalSize", status.totalSize)));
    case "fields":
      output.line(`"Hash" : ${status.hash}`);
      output.line(`"Revision" : ${status.revision}`);
      output.line(`"Keys" : ${status.totalKey}`);
      return output.line(`"Size" : ${status.totalSize}`);
    case "table":
      return output.out(renderTable(["hash", "revision", "total keys", "total size"], [row]));
  }
}

/** A zap console log line at info level: time, level, caller, message, then the fields as spaced JSON. */
function logLine(time: string, caller: string, message: string, fields: readonly (readonly [string, GoJson])[]): string {
  const rendered = fields.map(([name, value]) => `${goJsonString(name)}: ${Array.isArray(value) ? `[${value.map((item) => goJsonString(String(item))).join(", ")}]` : goJsonString(String(value))}`);
  return `${time}\tinfo\t${caller}\t${message}${fields.length === 0 ? "" : `\t{${rendered.join(", ")}}`}\n`;
}

/**
 * The log lines etcdutl's restore writes on stderr (zap console format). etcd also logs a Go stack
 * trace with "restoring snapshot"; it is left out.
 */
export function printSnapshotRestore(output: Output, restore: SnapshotRestoreOptions, result: SnapshotRestoreResult): void {
  const paths: [string, GoJson][] = [
    ["path", restore.path],
    ["wal-dir", restore.walDir],
    ["data-dir", restore.dataDir],
    ["snap-dir", `${restore.dataDir}/member/snap`],
  ];
  output.err(logLine(result.logTime, "snapshot/v3_snapshot.go:248", "restoring snapshot", paths));
  output.err(logLine(result.logTime, "membership/store.go:141", "Trimming membership information from the backend...", []));
  for (const member of result.members) {
    output.err(
      logLine(result.logTime, "membership/cluster.go:421", "added member", [
        ["cluster-id", hex(result.clusterId)],
        ["local-member-id", "0"],
        ["added-peer-id", hex(member.id)],
        ["added-peer-peer-urls", [...member.peerURLs]],
      ]),
    );
  }
  output.err(logLine(result.logTime, "snapshot/v3_snapshot.go:269", "restored snapshot", paths));
}

export function printDefrag(output: Output, result: DefragResult): void {
  for (const endpoint of result.endpoints) {
    if (endpoint.error === "") output.line(`Finished defragmenting etcd member[${endpoint.endpoint}]`);
    else output.err(`Failed to defragment etcd member[${endpoint.endpoint}] (${endpoint.error})\n`);
  }
  if (result.endpoints.some((endpoint) => endpoint.error !== "")) output.exit(exitCodes.error);
}

const alarmNumbers: Readonly<Record<AlarmType, number>> = { NONE: 0, NOSPACE: 1, CORRUPT: 2 };

/** `%+v` of a `*pb.AlarmMember`: its protobuf compact text, zero fields left out. */
function alarmText(alarm: AlarmMember): string {
  return `${alarm.memberId === 0n ? "" : `memberID:${alarm.memberId} `}${alarm.alarm === "NONE" ? "" : `alarm:${alarm.alarm} `}`;
}

export function printAlarms(output: Output, global: GlobalOptions, context: PrintContext, response: AlarmResponse): void {
  switch (global.writeOut) {
    case "simple":
      for (const alarm of response.alarms) output.line(alarmText(alarm));
      return;
    case "json":
      return output.json(
        goObject(
          field("header", headerJson(context, response.header)),
          omitEmpty("alarms", response.alarms.map((alarm) => goObject(omitEmpty("memberID", alarm.memberId), omitEmpty("alarm", alarmNumbers[alarm.alarm])))),
        ),
      );
    case "fields":
      printFieldsHeader(output, context.cluster, response.header.revision);
      for (const alarm of response.alarms) {
        output.line(`"MemberID" : ${alarm.memberId}`);
        output.line(`"AlarmType" : ${alarm.alarm}`);
        output.line();
      }
      return;
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

export function printMoveLeader(output: Output, global: GlobalOptions, context: PrintContext, response: MoveLeaderResponse, targetId: bigint): void {
  if (!response.leaderFound) return output.exitWithError(exitCodes.badArgs, `no leader endpoint given at ${goStringList(global.endpoints)}`);
  switch (global.writeOut) {
    case "simple":
      return output.line(`Leadership transferred from ${hex(response.leaderId)} to ${hex(targetId)}`);
    case "json":
      return output.json(goObject(field("header", headerJson(context, response.header))));
    case "fields":
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}
