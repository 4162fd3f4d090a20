/**
 * The errors of the auth store, as clients of etcd see them: the gRPC status code and message of
 * `api/v3rpc/rpctypes/error.go`, which `v3rpc/util.go: toGRPCErrorMap` maps the `auth.Err*` values
 * to. One auth error has no entry in that map, `auth.ErrNoPasswordUser`: a client gets it as
 * code Unknown with the auth package's own text.
 *
 * The KV, lease and quota errors are the store's (`etcdErrors` in src/mvcc/errors.ts).
 */
import { EtcdError } from "../../mvcc/errors.js";

export const authErrors = {
  rootUserNotExist: new EtcdError("FailedPrecondition", "etcdserver: root user does not exist"),
  rootRoleNotExist: new EtcdError("FailedPrecondition", "etcdserver: root user does not have root role"),
  userAlreadyExist: new EtcdError("FailedPrecondition", "etcdserver: user name already exists"),
  userEmpty: new EtcdError("InvalidArgument", "etcdserver: user name is empty"),
  userNotFound: new EtcdError("FailedPrecondition", "etcdserver: user name not found"),
  roleAlreadyExist: new EtcdError("FailedPrecondition", "etcdserver: role name already exists"),
  roleNotFound: new EtcdError("FailedPrecondition", "etcdserver: role name not found"),
  roleEmpty: new EtcdError("InvalidArgument", "etcdserver: role name is empty"),
  authFailed: new EtcdError("InvalidArgument", "etcdserver: authentication failed, invalid user ID or password"),
  permissionNotGiven: new EtcdError("InvalidArgument", "etcdserver: permission not given"),
  permissionDenied: new EtcdError("PermissionDenied", "etcdserver: permission denied"),
  roleNotGranted: new EtcdError("FailedPrecondition", "etcdserver: role is not granted to the user"),
  permissionNotGranted: new EtcdError("FailedPrecondition", "etcdserver: permission is not granted to the role"),
  authNotEnabled: new EtcdError("FailedPrecondition", "etcdserver: authentication is not enabled"),
  invalidAuthToken: new EtcdError("Unauthenticated", "etcdserver: invalid auth token"),
  invalidAuthManagement: new EtcdError("InvalidArgument", "etcdserver: invalid auth management"),
  authOldRevision: new EtcdError("InvalidArgument", "etcdserver: revision of auth store is old"),
  noPasswordUser: new EtcdError("Unknown", "auth: authentication failed, password was given for no password user"),
} as const;
