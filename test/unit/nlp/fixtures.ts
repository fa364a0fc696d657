/** A tiny labelled data set (en + zh) for training models in unit tests in well under a second. */
import type { Example } from '../../../src/nlp/dataset';
import type { Category, Severity } from '../../../src/domain/taxonomy';

const SEEDS: Record<Category, { en: string[]; zh: string[]; severity: Severity }> = {
  product_quality: {
    en: ['the blender stopped working after a week', 'screen cracked on its own, poor quality', 'the zipper broke the first time I used it'],
    zh: ['洗衣机用了三天就坏了，质量太差', '手机屏幕自己裂了，质量有问题', '新买的鞋子开胶了，质量很差'],
    severity: 'general',
  },
  service_quality: {
    en: ['internet outage again, no connection all day', 'the app keeps crashing with an error', 'website down, cannot log in to my account'],
    zh: ['宽带又断网了，一整天没有网络', '系统一直报错，登录不了', '网站打不开，信号很差'],
    severity: 'general',
  },
  service_attitude: {
    en: ['the agent was rude and hung up on me', 'staff yelled at me and were dismissive', 'your representative insulted me on the phone'],
    zh: ['客服态度恶劣，直接挂我电话', '店员对我大吼大叫，态度很差', '工作人员说话难听，不耐烦'],
    severity: 'general',
  },
  billing: {
    en: ['I was charged twice for the same bill', 'hidden fee on my invoice I never agreed to', 'overcharged on my monthly statement'],
    zh: ['同一笔账单扣了两次费', '话费账单多收了一笔钱', '莫名其妙扣费，收费不透明'],
    severity: 'general',
  },
  after_sales: {
    en: ['refund still not received after return', 'delivery is two weeks late, where is my parcel', 'repair under warranty keeps getting delayed'],
    zh: ['退货后退款一直没到账', '快递物流一直不更新，发货太慢', '保修期内维修一直拖着不处理'],
    severity: 'general',
  },
  contract: {
    en: ['you changed my plan without consent, breach of contract', 'promised a discount when I signed, not honored', 'cannot cancel my account although the contract ended'],
    zh: ['没经过同意就改了我的套餐，违约', '签合同时承诺的优惠没有兑现', '合同到期了还不给我销户'],
    severity: 'important',
  },
  safety: {
    en: ['the heater caught fire and burned my hand', 'electric shock from the kettle, it is dangerous', 'food poisoning after eating your sandwich'],
    zh: ['电暖器起火了，烫伤了我的手', '热水壶漏电，被电了一下，太危险', '吃了你们的外卖食物中毒了'],
    severity: 'major',
  },
  other: {
    en: ['just a general suggestion about your opening hours', 'question about membership points', 'please delete my personal data'],
    zh: ['提个建议，营业时间能不能延长', '想咨询一下会员积分怎么用', '请删除我的个人信息'],
    severity: 'general',
  },
};

/** 6 examples per category (3 en, 3 zh), each repeated with a small variation: 96 examples. */
export function tinyExamples(): Example[] {
  const out: Example[] = [];
  for (const [label, s] of Object.entries(SEEDS) as [Category, (typeof SEEDS)[Category]][]) {
    for (const text of [...s.en, ...s.zh]) {
      out.push({ text, label, severity: s.severity });
      out.push({ text: `${text}!`, label, severity: s.severity });
    }
  }
  return out;
}

export function tinyCsv(): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ['text,label,severity', ...tinyExamples().map((e) => `${q(e.text)},${e.label},${e.severity ?? ''}`)].join('\n') + '\n';
}
