/** Action and view ids of the Slack app (one place, so handlers and blocks agree). */
export const CLAIM_ACTION_ID = 'ticket_claim';
export const RECLASSIFY_ACTION_ID = 'ticket_reclassify';
export const REJECT_ACTION_ID = 'ticket_reject';
export const RESOLVE_ACTION_ID = 'ticket_resolve';
export const REQUEST_INFO_ACTION_ID = 'ticket_request_info';
export const ESCALATE_ACTION_ID = 'ticket_escalate';
export const RELEASE_ACTION_ID = 'ticket_release';
export const REPLY_ACTION_ID = 'ticket_reply';
export const RECORD_CONTACT_ACTION_ID = 'ticket_record_contact';
export const MORE_ACTION_ID = 'ticket_more';
/** Supervisors: flag (or unflag) the ticket's customer as malicious, with a reason. */
export const FLAG_ACTION_ID = 'ticket_flag_malicious';
export const UNFLAG_ACTION_ID = 'ticket_unflag_malicious';
/** Buttons of a return-visit message (their value: the number and the closing version the visit follows). */
export const RETURN_VISIT_CLAIM_ACTION_ID = 'return_visit_claim';
export const RETURN_VISIT_RECORD_ACTION_ID = 'return_visit_record';

/** Buttons that open a modal, by the view each opens. */
export const MODAL_ACTIONS = [RECLASSIFY_ACTION_ID, REJECT_ACTION_ID, RESOLVE_ACTION_ID, REQUEST_INFO_ACTION_ID, ESCALATE_ACTION_ID, RELEASE_ACTION_ID, REPLY_ACTION_ID] as const;
export type ModalAction = (typeof MODAL_ACTIONS)[number];

export const RESOLVE_VIEW_ID = 'view_resolve';
export const REJECT_VIEW_ID = 'view_reject';
export const REQUEST_INFO_VIEW_ID = 'view_request_info';
export const RECLASSIFY_VIEW_ID = 'view_reclassify';
export const ESCALATE_VIEW_ID = 'view_escalate';
export const RELEASE_VIEW_ID = 'view_release';
export const REPLY_VIEW_ID = 'view_reply';
export const REPLY_PREVIEW_VIEW_ID = 'view_reply_preview';
export const FLAG_VIEW_ID = 'view_flag_malicious';
export const UNFLAG_VIEW_ID = 'view_unflag_malicious';
export const RETURN_VISIT_VIEW_ID = 'view_return_visit';

/** A ticket button's value: the number and the version its message showed. */
export function buttonValue(number: string, version: number): string {
  return `${number}:${version}`;
}

export function parseButtonValue(value: unknown): { number: string; version: number } | null {
  const m = typeof value === 'string' ? /^(\d{10}):(\d{1,6})$/.exec(value) : null;
  return m ? { number: m[1]!, version: Number(m[2]) } : null;
}
