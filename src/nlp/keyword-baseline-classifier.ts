/**
 * KeywordBaselineClassifier: a deliberately simple keyword matcher that keeps the filing
 * pipeline whole until a trained model is configured. It is not the product's classifier:
 * its confidence is the share of matched keywords and means little.
 */
import type { Classification, ClassificationContext, Classifier } from '../domain/classification';
import { CATEGORIES, type Category, maxSeverity, raiseSeverity, type Severity } from '../domain/taxonomy';

const KEYWORDS: Record<Exclude<Category, 'other'>, string[]> = {
  safety: ['起火', '着火', '爆炸', '漏电', '触电', '中毒', '受伤', '冒烟', '安全隐患', 'fire', 'smoke', 'explod', 'shock', 'poison', 'injur', 'burn', 'hazard'],
  product_quality: ['质量', '質量', '品質', '坏了', '壞了', '故障', '异响', '異響', '破损', '漏油', 'defect', 'broken', 'faulty', 'stopped working', 'quality'],
  service_quality: ['断网', '斷網', '信号', '訊號', '网速', '系统', '系統', '无法登录', '打不开', 'outage', 'down', 'error', 'slow', 'crash', 'credit report'],
  service_attitude: ['态度', '態度', '骂', '罵', '不耐烦', '挂电话', '掛電話', 'rude', 'yell', 'insult', 'harass', 'attitude'],
  billing: ['扣费', '扣費', '收费', '收費', '账单', '帳單', '多扣', '乱收费', '費用', 'charge', 'fee', 'bill', 'overcharg', 'invoice'],
  after_sales: ['退货', '退貨', '退款', '维修', '維修', '快递', '快遞', '物流', '发货', '發貨', 'refund', 'return', 'repair', 'delivery', 'shipping', 'warranty'],
  contract: ['合同', '合約', '套餐', '承诺', '承諾', '违约', '違約', '办理', '辦理', '销户', '銷戶', 'contract', 'promise', 'cancel', 'account', 'plan', 'loan', 'mortgage'],
};

const MAJOR = ['死亡', '身亡', '受伤', '受傷', '住院', '起火', '爆炸', '中毒', '多人', 'death', 'died', 'injur', 'hospital', 'fire', 'explosion', 'poison'];
const THREAT = ['媒体', '媒體', '曝光', '12315', '消协', '消協', '起诉', '起訴', '法院', '律师', '律師', 'media', 'regulator', 'lawyer', 'court', 'sue '];
const ANGER = ['垃圾', '骗子', '騙子', '去死', '气死', '氣死', '滚', 'scam', 'idiot', 'disgusting', 'furious', 'kill myself', '不想活'];

function hits(text: string, words: readonly string[]): string[] {
  return words.filter((w) => text.includes(w));
}

export class KeywordBaselineClassifier implements Classifier {
  readonly version = 'keyword-baseline@1';

  classify(raw: string, context: ClassificationContext = {}): Classification {
    const text = raw.slice(0, 5000).toLowerCase();
    const scored = (Object.keys(KEYWORDS) as Exclude<Category, 'other'>[])
      .map((category) => ({ category, matched: hits(text, KEYWORDS[category]) }))
      .sort((a, b) => b.matched.length - a.matched.length || CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category));
    const total = scored.reduce((n, s) => n + s.matched.length, 0);
    const best = scored[0];
    const category: Category = best && best.matched.length > 0 ? best.category : 'other';
    const confidence = total === 0 ? 0.2 : best!.matched.length / total;

    const reasons: Classification['reasons'] = [];
    let severity: Severity = 'general';
    const raise = (rule: string, to: Severity, evidence: string[]) => {
      const next = maxSeverity(severity, to);
      if (next !== severity) reasons.push({ rule, effect: `severity ${severity}→${next}`, evidence, floor: to });
      severity = next;
    };
    if (category === 'safety') raise('severity.safety_floor', 'important', []);
    const major = hits(text, MAJOR);
    if (major.length) raise('severity.harm', 'major', major);
    const threat = hits(text, THREAT);
    if (threat.length) raise('severity.threat', 'important', threat);
    if (context.isRepeat) raise('severity.repeat', raiseSeverity(severity), []);
    const anger = hits(text, ANGER);
    if (anger.length) reasons.push({ rule: 'risk.anger', effect: 'highRisk', evidence: anger });

    const candidates = scored
      .filter((s) => s.matched.length > 0)
      .slice(0, 3)
      .map((s) => ({ category: s.category as Category, probability: total ? s.matched.length / total : 0 }));
    return {
      category,
      severity,
      confidence,
      highRisk: anger.length > 0,
      reasons,
      candidates: candidates.length ? candidates : [{ category: 'other', probability: confidence }],
      modelVersion: this.version,
    };
  }
}
