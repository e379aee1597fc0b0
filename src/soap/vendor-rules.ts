/**
 * Vendor rules the XSD does not carry (the WSDL types LockType as a plain string and says nothing of ranges), taken
 * from the vendor's pages (see shared/reference/projector-api.md). Data, keyed by `<type local name>.<member>`, so
 * they hold for every operation that uses the type, through `call` and the convenience methods alike. The encoder
 * checks them before the XSD value checks (so a caller sees the vendor's rule); a broken rule is an InvalidInputError
 * and nothing is sent.
 */
export const LOCK_TYPES = ['E', 'C', 'P', 'R', 'RT', 'CP', 'CB', 'I'] as const;
export const MAX_LOCK_DURATION_SECONDS = 86_400;
/** The vendor's limit on list sizes in one request (lock lists, identity lists...). */
export const MAX_ITEMS_PER_REQUEST = 100;

export interface MemberRule {
  required?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  oneOf?: readonly string[];
  pattern?: { re: RegExp; says: string };
}

const lockDuration: MemberRule = { required: true, min: 1, max: MAX_LOCK_DURATION_SECONDS };
const lockList: MemberRule = { maxItems: MAX_ITEMS_PER_REQUEST };

export const MEMBER_RULES: Readonly<Record<string, MemberRule>> = {
  'PwsAuthenticateRq.AccountCode': {
    required: true,
    maxLength: 30,
    pattern: { re: /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/, says: 'may contain only letters, digits, - and _, starting and ending with a letter or digit' },
  },
  'PwsAuthenticateRq.UserName': { required: true, maxLength: 100 },
  'PwsAuthenticateRq.Password': { required: true },
  'PwsAuthenticateRq.CultureName': { maxLength: 15 },
  'PwsAuthenticateRq.UtcOffsetMinutes': { min: -1440, max: 1440 },
  'PwsAcquireProjectorLocksRq.LockDurationSeconds': lockDuration,
  'PwsAcquireProjectorLocksRq.Locks': { required: true, minItems: 1, maxItems: MAX_ITEMS_PER_REQUEST },
  'PwsAcquireProjectorLocksRq.LocksToSteal': lockList,
  'PwsAcquireProjectorLocksRq.ProjectorLockSetId': { min: 1 },
  'PwsCheckProjectorLocksRq.Locks': lockList,
  'PwsCheckProjectorLocksRq.LocksToSteal': lockList,
  'PwsCheckProjectorLocksRq.ProjectorLockSetId': { min: 1 },
  'PwsRenewProjectorLocksRq.LockDurationSeconds': lockDuration,
  'PwsRenewProjectorLocksRq.ProjectorLockSetId': { required: true, min: 1 },
  'PwsReleaseProjectorLocksRq.ProjectorLockSetId': { required: true, min: 1 },
  'PwsProjectorLockEntity.LockType': { required: true, oneOf: LOCK_TYPES },
  'PwsProjectorLockEntity.EntityCode': { maxLength: 24 },
  'PwsProjectorLockRequest.EntityIdentity': { required: true },
  'PwsEntityLockSummaryItem.MostRecentLockAcquisitionTimestamp': { required: true },
  'PwsEntityLockSummaryItem.LockCount': { required: true, min: 0 },
  'PwsEntityLockSummary.EntityLockSummary': { required: true, minItems: 1 },
};

/** Rules that span members of one type. */
export const TYPE_RULES: Readonly<Record<string, { anyOf: readonly string[] }>> = {
  PwsProjectorLockEntity: { anyOf: ['EntityCode', 'EntityUid'] },
};

/** The problem with `value` under the rule, or undefined. `value` is the caller's (already XSD-checked) value. */
export function breaks(rule: MemberRule, value: unknown): string | undefined {
  if (value === undefined || value === null) return rule.required ? 'is required' : undefined;
  if (typeof value === 'number') {
    if (rule.min !== undefined && value < rule.min) return `must be at least ${rule.min}, got ${value}`;
    if (rule.max !== undefined && value > rule.max) return `must be at most ${rule.max}, got ${value}`;
  }
  if (typeof value === 'string') {
    if (rule.required && value.length === 0) return 'must not be empty';
    if (rule.maxLength !== undefined && value.length > rule.maxLength) return `is longer than ${rule.maxLength} characters`;
    if (rule.oneOf && !rule.oneOf.includes(value)) return `must be one of ${rule.oneOf.join(', ')}`;
    if (rule.pattern && !rule.pattern.re.test(value)) return rule.pattern.says;
  }
  if (Array.isArray(value)) {
    if (rule.minItems !== undefined && value.length < rule.minItems) return `must hold at least ${rule.minItems} item(s), got ${value.length}`;
    if (rule.maxItems !== undefined && value.length > rule.maxItems) return `may hold at most ${rule.maxItems} items (Projector's limit), got ${value.length}`;
  }
  return undefined;
}
