/**
 * The lease and alarm commands: what etcdctl's client library sends for each (lease and
 * maintenance requests through `call`) and the etcdctl response shape built from the answers.
 */
import type { Outcome, ServerRequest, ServerResponse } from "../etcd/protocol.js";
import type { EtcdctlCommand, EtcdctlOutcome } from "../etcdctl/index.js";
import { etcdErrors } from "../mvcc/errors.js";
import type { AlarmMember } from "../mvcc/types.js";

export type ServerCommand = Extract<EtcdctlCommand, { kind: "lease-grant" | "lease-revoke" | "lease-keep-alive" | "lease-timetolive" | "lease-list" | "alarm-list" | "alarm-disarm" }>;

const serverCommandKinds: ReadonlySet<string> = new Set(["lease-grant", "lease-revoke", "lease-keep-alive", "lease-timetolive", "lease-list", "alarm-list", "alarm-disarm"]);

export function isServerCommand(command: EtcdctlCommand): command is ServerCommand {
  return serverCommandKinds.has(command.kind);
}

/** A response of an unexpected kind: a protocol bug, not a cluster answer. */
function unexpected(wanted: string, response: ServerResponse): never {
  throw new Error(`assertion failed: expected a ${wanted} response, got ${response.kind}`);
}

/**
 * What etcdctl's client library does for a lease or alarm command: the server requests it sends
 * (through `call`), and the etcdctl response shape built from their answers.
 */
export function serverOutcome(command: ServerCommand, call: (request: ServerRequest) => Outcome<ServerResponse>): EtcdctlOutcome {
  switch (command.kind) {
    case "lease-grant": {
      const answer = call({ kind: "leaseGrant", request: { id: 0, ttl: command.ttlSeconds } });
      if (!answer.ok) return answer;
      if (answer.value.kind !== "leaseGrant") return unexpected("leaseGrant", answer.value);
      return { ok: true, value: { kind: "lease-grant", response: answer.value.response } };
    }
    case "lease-revoke": {
      const answer = call({ kind: "leaseRevoke", request: { id: command.id } });
      if (!answer.ok) return answer;
      if (answer.value.kind !== "leaseRevoke") return unexpected("leaseRevoke", answer.value);
      return { ok: true, value: { kind: "lease-revoke", response: answer.value.response } };
    }
    case "lease-keep-alive": {
      // clientv3's KeepAliveOnce: a TTL of 0 (or less) means the lease is gone.
      const answer = call({ kind: "leaseKeepAlive", request: { id: command.id } });
      if (!answer.ok) return answer;
      if (answer.value.kind !== "leaseKeepAlive") return unexpected("leaseKeepAlive", answer.value);
      const response = answer.value.response;
      if (response.ttl <= 0) return { ok: false, error: etcdErrors.leaseNotFound };
      return { ok: true, value: { kind: "lease-keep-alive", response: { responses: [response], ended: false } } };
    }
    case "lease-timetolive": {
      const answer = call({ kind: "leaseTimeToLive", request: { id: command.id, keys: command.keys } });
      if (!answer.ok) return answer;
      if (answer.value.kind !== "leaseTimeToLive") return unexpected("leaseTimeToLive", answer.value);
      return { ok: true, value: { kind: "lease-timetolive", response: answer.value.response } };
    }
    case "lease-list": {
      const answer = call({ kind: "leaseLeases", request: {} });
      if (!answer.ok) return answer;
      if (answer.value.kind !== "leaseLeases") return unexpected("leaseLeases", answer.value);
      const { header, leases } = answer.value.response;
      return { ok: true, value: { kind: "lease-list", response: { header, ids: leases.map((lease) => lease.id) } } };
    }
    case "alarm-list":
    case "alarm-disarm": {
      const listed = call({ kind: "alarm", request: { action: "GET", memberId: 0n, alarm: "NONE" } });
      if (!listed.ok) return listed;
      if (listed.value.kind !== "alarm") return unexpected("alarm", listed.value);
      if (command.kind === "alarm-list") return { ok: true, value: { kind: "alarm-list", response: listed.value.response } };
      // clientv3's AlarmDisarm with an empty member: list the alarms, deactivate each one.
      let header = listed.value.response.header;
      const alarms: AlarmMember[] = [];
      for (const alarm of listed.value.response.alarms) {
        const answer = call({ kind: "alarm", request: { action: "DEACTIVATE", memberId: alarm.memberId, alarm: alarm.alarm } });
        if (!answer.ok) return answer;
        if (answer.value.kind !== "alarm") return unexpected("alarm", answer.value);
        header = answer.value.response.header;
        alarms.push(...answer.value.response.alarms);
      }
      return { ok: true, value: { kind: "alarm-disarm", response: { header, alarms } } };
    }
  }
}
