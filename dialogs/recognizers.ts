/**
 * Keyword recognisers for the router and the interruptions, in English and Chinese (matched on
 * the Simplified form, so Traditional input works the same). Deliberately small and predictable:
 * a complaint's own words must not be mistaken for a command, so commands match only short
 * messages or clear phrases.
 */
import type { DraftField } from './messages';
import { simplified } from './language';

export type Intent = 'new_complaint' | 'mine' | 'status' | 'add_info' | 'help' | 'person' | 'greeting' | 'thanks' | 'cancel' | 'restart' | 'none';

/** Lower-cased Simplified text without surrounding punctuation or spaces. */
export function normalise(text: string): string {
  return simplified(text)
    .toLowerCase()
    .replace(/[\s\u3000]+/g, ' ')
    .replace(/^[\s,.!?;:，。！？；：、~～"'“”‘’「」]+|[\s,.!?;:，。！？；：、~～"'“”‘’「」]+$/g, '')
    .trim();
}

const CANCEL = /^(取消|算了|不投诉了|不用了|退出|结束|停止|cancel|quit|stop|exit|never ?mind|forget it)$/;
const HELP = /^(帮助|帮忙|求助|怎么用|怎么办|help|\?|？|what can you do|菜单|menu)$/;
const RESTART = /^(重新开始|重来|从头开始|重新填写|restart|start over|start again|reset)$/;
const PERSON = /(转人工|人工客服|人工服务|找人工|真人|客服人员|工作人员|找客服|人工|talk to (a )?(person|human|agent|someone)|speak to (a )?(person|human|agent|someone)|real person|human agent|live agent|^agent$|^human$|^operator$)/;
const GREETING = /^(你好|您好|嗨|哈喽|在吗|在不在|早上好|下午好|晚上好|hi|hello|hey|good (morning|afternoon|evening)|hiya|yo)[!！。.~]*$/;
const THANKS = /^(谢谢|谢谢你|谢谢您|多谢|感谢|好的谢谢|好的|好|嗯|ok|okay|thanks|thank you|thx|cheers|great|fine|bye|再见|拜拜)[!！。.~]*$/;
const NEW_COMPLAINT = /^(我要投诉|我想投诉|投诉|新投诉|我要举报|我要反映|我有意见|new complaint|complain|i want to complain|i'd like to complain|i have a complaint|file a complaint|make a complaint)$/;
const MINE = /^(我的投诉|我的工单|我的投诉单|查看我的投诉|我投诉过的|my complaints|my tickets|show my complaints)$/;
const STATUS = /(查询|查一下|查看|进度|状态|进展|处理得怎么样|处理到哪|status|track|progress|check my (complaint|ticket)|where is my (complaint|ticket))/;
const ADD_INFO = /(补充|追加|添加|上传|补传|再发|add (more )?(information|info|details|photos?|pictures?|evidence|files?)|upload|attach)/;

export const TICKET_NUMBER = /(?<!\d)(20\d{2}\d{6})(?!\d)/;

/** The ticket number a message names, if any. */
export function ticketNumberIn(text: string): string | undefined {
  return TICKET_NUMBER.exec(text)?.[1];
}

/** Commands that interrupt any question: cancel, help, restart, talk to a person. */
export function interruption(text: string): 'cancel' | 'help' | 'restart' | 'person' | null {
  const s = normalise(text);
  if (!s) return null;
  if (CANCEL.test(s)) return 'cancel';
  if (HELP.test(s)) return 'help';
  if (RESTART.test(s)) return 'restart';
  // "talk to a person" inside a long complaint ("the staff were rude") is not a request.
  if (s.length <= 30 && PERSON.test(s)) return 'person';
  return null;
}

/** What a message asks for when no dialog is running. */
export function recognise(text: string): Intent {
  const s = normalise(text);
  if (!s) return 'none';
  const i = interruption(text);
  if (i) return i;
  if (GREETING.test(s)) return 'greeting';
  if (THANKS.test(s)) return 'thanks';
  if (NEW_COMPLAINT.test(s)) return 'new_complaint';
  if (MINE.test(s)) return 'mine';
  if (s.length <= 40 && STATUS.test(s)) return 'status';
  if (s.length <= 40 && ticketNumberIn(s) && s.replace(TICKET_NUMBER, '').replace(/[^\p{L}]/gu, '').length <= 12) return 'status';
  if (s.length <= 40 && ADD_INFO.test(s)) return 'add_info';
  return 'none';
}

/** An intent phrase with no story in it ("我要投诉"), so the intake must still ask what happened. */
export function isBareIntent(text: string): boolean {
  return recognise(text) !== 'none';
}

const YES = /^(是|是的|对|对的|好|好的|可以|行|没问题|确认|提交|确定|嗯|yes|y|yeah|yep|ok|okay|sure|submit|send|confirm|correct|right)$/;
const NO = /^(否|不|不是|不对|不要|没有|no|n|nope|wrong)$/;
const SKIP = /^(跳过|略过|不知道|不清楚|不记得|忘了|没有|无|暂无|没|不用|不需要|skip|none|no|n\/a|na|nothing|don'?t know|dunno|not sure|pass|-)$/;
const DONE = /^(完成|好了|没有了|没了|就这些|结束|done|finished|that'?s all|no more|nothing else|no)$/;
const EDIT = /^(修改|更改|改|编辑|修正|edit|change|modify|correct it)$/;
const SOMETHING_ELSE = /^(其他|其它|别的|都不是|其他问题|something else|other|none of these|neither)$/;

export const isYes = (t: string) => YES.test(normalise(t));
export const isNo = (t: string) => NO.test(normalise(t));
export const isSkip = (t: string) => SKIP.test(normalise(t));
export const isDone = (t: string) => DONE.test(normalise(t));
export const isEdit = (t: string) => EDIT.test(normalise(t));
export const isSomethingElse = (t: string) => SOMETHING_ELSE.test(normalise(t));

const FIELD_WORDS: Array<[DraftField, RegExp]> = [
  ['contact', /电话|手机|号码|联系方式|邮箱|邮件|contact|phone|mobile|e-?mail/],
  ['name', /名字|姓名|称呼|name/],
  ['when', /时间|日期|什么时候|哪天|when|date|time/],
  ['where', /订单|地点|地址|哪里|账户|账号|order|where|place|account/],
  ['product', /商品|产品|商家|店铺|公司|product|shop|store|merchant|company/],
  ['amount', /金额|多少钱|价格|钱|amount|price|money|cost/],
  ['remedy', /诉求|要求|处理方式|退款|换货|remedy|want|refund|request/],
  ['evidence', /附件|照片|图片|截图|证据|attachment|photo|picture|evidence|file/],
  ['description', /描述|经过|问题|内容|description|what happened|story|details/],
];

/** Which field a message names ("电话", "change the amount", or its number in the edit list). */
export function fieldNamed(text: string, order: readonly DraftField[]): DraftField | null {
  const s = normalise(text);
  const n = /^(\d{1,2})$/.exec(s);
  if (n) return order[Number(n[1]) - 1] ?? null;
  for (const [field, re] of FIELD_WORDS) if (re.test(s)) return field;
  return null;
}

const CORRECTION = /(改成|改为|换成|更正为|更正|应该是|其实是|写错了|不对|actually|change (my |the )?\w+ to|should be|correction|instead)/;

/** A message that corrects an earlier answer ("电话改成 139…", "actually my e-mail is …"). */
export function isCorrection(text: string): boolean {
  return CORRECTION.test(normalise(text));
}
