// IAM roles the emulator knows and the temporary credentials AssumeRole hands out for them. A
// session's access key (ASIA…) is accepted, with its session token, as the assumed-role identity
// until its Expiration; afterwards every service refuses it with ExpiredToken, as AWS does.
import { randomBytes, randomInt } from 'node:crypto';
import { ACCOUNT_ID } from './aws-identity.js';

export interface EmulatedRole {
  /** The role name: arn:aws:iam::<account>:role/<name>. */
  name: string;
  /** When set, the trust policy's `sts:ExternalId` condition: AssumeRole must pass exactly this. */
  externalId?: string;
  /** The role's MaxSessionDuration (3600–43200 s; IAM's default is 3600). */
  maxSessionDurationSeconds?: number;
}

/** The role the sandbox seeds: what a team's deploy role looks like (ExternalId required). */
export const SANDBOX_DEPLOY_ROLE = {
  name: 'switchyard-deploy',
  externalId: 'switchyard-sandbox-external-id',
} as const satisfies EmulatedRole;

export const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT_ID}:role/${name}`;

export interface RoleSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  roleName: string;
  roleId: string;
  sessionName: string;
  /** True when the session was obtained with another session's credentials (role chaining). */
  chained: boolean;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const upperId = (length: number): string => Array.from({ length }, () => UPPER_ALNUM[randomInt(UPPER_ALNUM.length)]).join('');

export class RoleSessions {
  private readonly roles = new Map<string, EmulatedRole & { roleId: string }>();
  private readonly sessions = new Map<string, RoleSession>();

  constructor(
    roles: EmulatedRole[],
    readonly now: () => Date,
  ) {
    for (const role of roles) this.addRole(role);
  }

  addRole(role: EmulatedRole): void {
    this.roles.set(roleArn(role.name), { ...role, roleId: `AROA${upperId(17)}` });
  }

  role(arn: string): (EmulatedRole & { roleId: string }) | undefined {
    return this.roles.get(arn);
  }

  create(role: EmulatedRole & { roleId: string }, sessionName: string, durationSeconds: number, chained: boolean): RoleSession {
    const session: RoleSession = {
      accessKeyId: `ASIA${upperId(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(Math.floor(this.now().getTime() / 1000) * 1000 + durationSeconds * 1000),
      roleName: role.name,
      roleId: role.roleId,
      sessionName,
      chained,
    };
    this.sessions.set(session.accessKeyId, session);
    return session;
  }

  get(accessKeyId: string): RoleSession | undefined {
    return this.sessions.get(accessKeyId);
  }

  /** Every session handed out, oldest first (tests check who assumed what). */
  list(): RoleSession[] {
    return [...this.sessions.values()];
  }

  /** Roles (with the ids they were given) and sessions, for a snapshot of the emulator. */
  exportData() {
    return { roles: new Map(this.roles), sessions: new Map(this.sessions) };
  }

  importData(data: ReturnType<RoleSessions['exportData']>): void {
    this.roles.clear();
    this.sessions.clear();
    for (const [arn, role] of data.roles) this.roles.set(arn, role);
    for (const [key, session] of data.sessions) this.sessions.set(key, session);
  }

  expired(session: RoleSession): boolean {
    return this.now().getTime() >= session.expiration.getTime();
  }
}

export const assumedRoleArn = (session: Pick<RoleSession, 'roleName' | 'sessionName'>): string =>
  `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${session.roleName}/${session.sessionName}`;
