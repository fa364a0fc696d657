/**
 * The few texts the WeChat channel adds around what the dialogs say: who a relayed message is
 * from, a template message's lines, and the note before messages that waited for the customer.
 */
import type { BotLanguage } from '../../dialogs/messages';
import type { PendingKind } from './wechat-store';

export interface WeChatTexts {
  /** Heading of an agent's message ("客服（王芳）："). */
  fromAgent(name: string | undefined): string;
  /** Before messages that waited for the customer to write again. */
  whileAway: string;
  /** A template message's status line per kind of message. */
  status: Record<PendingKind, string>;
  /** A template message's title line (WeChat no longer shows it on new templates, older ones do). */
  title: string;
  /** The template's last line: how to read the whole message. */
  hint: string;
}

const zhCN: WeChatTexts = {
  fromAgent: (name) => (name ? `客服（${name}）：` : '客服：'),
  whileAway: '您不在线时，我们给您留了消息：',
  status: { reply: '有新消息', agent_message: '客服已回复', result: '已有处理结果', survey: '邀请您评价', notice: '有新通知' },
  title: '您的投诉有新进展',
  hint: '回复任意消息即可查看详情',
};

const zhTW: WeChatTexts = {
  fromAgent: (name) => (name ? `客服（${name}）：` : '客服：'),
  whileAway: '您不在線時，我們給您留了訊息：',
  status: { reply: '有新訊息', agent_message: '客服已回覆', result: '已有處理結果', survey: '邀請您評價', notice: '有新通知' },
  title: '您的投訴有新進展',
  hint: '回覆任意訊息即可查看詳情',
};

const en: WeChatTexts = {
  fromAgent: (name) => (name ? `${name} (customer service):` : 'Customer service:'),
  whileAway: 'While you were away we left you these messages:',
  status: { reply: 'New message', agent_message: 'Staff replied', result: 'Result ready', survey: 'Please rate us', notice: 'New notice' },
  title: 'News about your complaint',
  hint: 'Send any message to read it',
};

const TEXTS: Record<BotLanguage, WeChatTexts> = { 'zh-CN': zhCN, 'zh-TW': zhTW, en };

export function wechatTexts(lang: BotLanguage): WeChatTexts {
  return TEXTS[lang];
}
