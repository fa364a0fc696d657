/**
 * The XML WeChat posts and the XML it takes back (fast-xml-parser reads; replies are written by
 * hand: a handful of CDATA elements). Every value is kept as text — a MsgId is a 64-bit number
 * that a JavaScript number would round.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One message or event as WeChat posts it (plain mode, or the decrypted body in safe mode). */
export interface WeChatInbound {
  /** The Official Account's original id (gh_…). */
  toUser: string;
  /** The customer's OpenID. */
  fromUser: string;
  createTime: number;
  msgType: string;
  msgId?: string;
  content?: string;
  picUrl?: string;
  mediaId?: string;
  /** Voice: amr/speex; `recognition` when speech recognition is on for the account. */
  format?: string;
  recognition?: string;
  locationX?: string;
  locationY?: string;
  scale?: string;
  label?: string;
  title?: string;
  description?: string;
  url?: string;
  event?: string;
  eventKey?: string;
}

/** The envelope of a safe-mode post: who it is for and the ciphertext. */
export interface WeChatEnvelope {
  toUser?: string;
  encrypt?: string;
}

export class WeChatXmlError extends Error {
  override name = 'WeChatXmlError';
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
});

/** The fields of the root `<xml>` element as strings; throws a WeChatXmlError on anything else. */
function fieldsOf(xml: string): Record<string, string> {
  // WeChat sends neither a DOCTYPE nor entity declarations: refusing them avoids entity expansion altogether.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new WeChatXmlError('DOCTYPE and entity declarations are not accepted');
  if (XMLValidator.validate(xml) !== true) throw new WeChatXmlError('the body is not well-formed XML');
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    throw new WeChatXmlError('the body is not well-formed XML');
  }
  const root = (doc as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WeChatXmlError('the body has no <xml> root element');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}

export function parseEnvelope(xml: string): WeChatEnvelope & { fields: Record<string, string> } {
  const f = fieldsOf(xml);
  return { fields: f, ...(f.ToUserName ? { toUser: f.ToUserName } : {}), ...(f.Encrypt ? { encrypt: f.Encrypt } : {}) };
}

/** A message or event; throws a WeChatXmlError when the fields every post has are missing. */
export function parseInbound(xmlOrFields: string | Record<string, string>): WeChatInbound {
  const f = typeof xmlOrFields === 'string' ? fieldsOf(xmlOrFields) : xmlOrFields;
  const createTime = Number(f.CreateTime);
  if (!f.ToUserName || !f.FromUserName || !f.MsgType || !Number.isInteger(createTime) || createTime <= 0) {
    throw new WeChatXmlError('ToUserName, FromUserName, CreateTime and MsgType are required');
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(f.FromUserName)) throw new WeChatXmlError('FromUserName is not an OpenID');
  const pick = (k: string) => (f[k] !== undefined && f[k] !== '' ? f[k] : undefined);
  const m: WeChatInbound = { toUser: f.ToUserName, fromUser: f.FromUserName, createTime, msgType: f.MsgType.toLowerCase() };
  const optional: Array<[keyof WeChatInbound, string]> = [
    ['msgId', 'MsgId'],
    ['content', 'Content'],
    ['picUrl', 'PicUrl'],
    ['mediaId', 'MediaId'],
    ['format', 'Format'],
    ['recognition', 'Recognition'],
    ['locationX', 'Location_X'],
    ['locationY', 'Location_Y'],
    ['scale', 'Scale'],
    ['label', 'Label'],
    ['title', 'Title'],
    ['description', 'Description'],
    ['url', 'Url'],
    ['event', 'Event'],
    ['eventKey', 'EventKey'],
  ];
  for (const [key, tag] of optional) {
    const v = pick(tag);
    if (v !== undefined) (m as unknown as Record<string, unknown>)[key] = v;
  }
  if (m.msgId !== undefined && !/^\d{1,20}$/.test(m.msgId)) throw new WeChatXmlError('MsgId is not a number');
  return m;
}

/** Text inside CDATA: a `]]>` in it is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** A passive text reply (plain mode, or the message to encrypt in safe mode). */
export function textReplyXml(reply: { toUser: string; fromUser: string; createTime: number; content: string }): string {
  return (
    `<xml><ToUserName>${cdata(reply.toUser)}</ToUserName><FromUserName>${cdata(reply.fromUser)}</FromUserName>` +
    `<CreateTime>${Math.floor(reply.createTime)}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(reply.content)}</Content></xml>`
  );
}

/** The safe-mode envelope of an encrypted reply. */
export function encryptedReplyXml(e: { encrypt: string; signature: string; timestamp: string; nonce: string }): string {
  return `<xml><Encrypt>${cdata(e.encrypt)}</Encrypt><MsgSignature>${cdata(e.signature)}</MsgSignature><TimeStamp>${e.timestamp}</TimeStamp><Nonce>${cdata(e.nonce)}</Nonce></xml>`;
}
