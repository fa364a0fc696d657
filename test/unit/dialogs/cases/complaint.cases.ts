/**
 * Dialog case tables (after BotBuilder-Samples' bookingDialogTestCases): each step is what the
 * customer sends and words the bot's replies must contain; the desk check looks at what reached
 * the (fake) core.
 */
import type { Activity } from 'botbuilder';
import type { FakeComplaintDesk } from '../../../fakes/fake-complaint-desk';

export type UserTurn = string | Partial<Activity>;

export interface DialogCase {
  name: string;
  locale?: string;
  setup?: (desk: FakeComplaintDesk) => void;
  /** [what the customer sends, words every reply of that turn must contain together, words none may contain] */
  steps: Array<[UserTurn, string[], string[]?]>;
  expectedStatus: 'complete' | 'waiting' | 'cancelled' | 'empty';
  expectedDesk?: (desk: FakeComplaintDesk) => void;
}

const PNG = 'data:image/png;base64,' + Buffer.from('not really a png but bytes').toString('base64');

export const complaintCases: DialogCase[] = [
  {
    name: 'zh-CN happy path: one question at a time, then the ticket number after the save',
    steps: [
      ['我要投诉', ['请问发生了什么']],
      ['昨天买的电热水壶第一次用就漏电了，手被电了一下', ['怎么称呼']],
      ['张三', ['怎么联系您']],
      ['13812345678', ['哪个订单']],
      ['订单号 2026112012345678', ['多少钱']],
      ['299元', ['怎么处理']],
      ['退款', ['照片']],
      ['完成', ['请核对', '张三', '13812345678', '2026112012345678', '¥299', '退款', '昨天']],
      ['提交', ['已登记', '工单号：2026000001', '类别：产品质量', '查询码']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => {
      expect(desk.tickets).toHaveLength(1);
      const d = desk.tickets[0]!.draft;
      expect(d).toMatchObject({ name: '张三', phone: '13812345678', orderId: '2026112012345678', amount: { value: 299, currency: 'CNY' }, desiredRemedy: 'refund', occurredAt: '2026-11-19', product: '电热水壶' });
      expect(desk.tickets[0]!.ctx.language).toBe('zh-CN');
    },
  },
  {
    name: 'zh-CN one message has everything: only the attachments question, then the summary',
    steps: [
      ['我叫张三，手机13812345678，昨天在京东买的电热水壶第一次用就漏电，花了299元，订单号 2026112012345678，要求退款', ['照片'], ['称呼', '联系您', '多少钱', '怎么处理']],
      ['完成', ['请核对', '京东', '电热水壶']],
      ['提交', ['工单号：2026000001']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => expect(desk.tickets[0]!.draft).toMatchObject({ merchant: '京东', desiredRemedy: 'refund', amount: { value: 299 } }),
  },
  {
    name: 'zh-TW keeps Traditional: one message with nearly everything, replies in Traditional',
    steps: [
      ['我叫陳小明，電話 0912 345 678，上週三在台北門市買的吹風機壞了，NT$1,200，我要換貨', ['照片'], ['照片，小票']],
      ['完成', ['請核對', '吹風機', '換貨']],
      ['提交', ['工單號：2026000001', '產品質量']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => {
      expect(desk.tickets[0]!.ctx.language).toBe('zh-TW');
      expect(desk.tickets[0]!.draft).toMatchObject({ phone: '0912 345 678', amount: { value: 1200, currency: 'TWD' }, occurredAt: '2026-11-11', desiredRemedy: 'replace' });
    },
  },
  {
    name: 'en happy path with a photo attached',
    locale: 'en-US',
    steps: [
      ['I bought a kettle from ShopMart last Friday and it stopped heating after two days.', ['your name']],
      ['Li Lei', ['reach you']],
      ['li.lei@example.com', ['which order']],
      ['skip', ['How much']],
      ['$40', ['What would you like']],
      ['refund please', ['photos']],
      [{ type: 'message', text: '', attachments: [{ name: 'kettle.png', contentType: 'image/png', contentUrl: PNG }] }, ['1 file saved', 'Please check', 'kettle.png', 'US$40.00']],
      ['Submit', ['Ticket number: 2026000001', 'Category: Product quality', 'lookup code']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => {
      const d = desk.tickets[0]!.draft;
      expect(d).toMatchObject({ email: 'li.lei@example.com', product: 'kettle', merchant: 'ShopMart', occurredAt: '2026-11-13', amount: { value: 40, currency: 'USD' } });
      expect(d.evidence).toHaveLength(1);
      expect(d.evidence[0]!.sha256).toMatch(/^[a-f0-9]{64}$/);
      expect(d.skipped).toContain('where');
    },
  },
  {
    name: 'en one message has everything',
    locale: 'en-US',
    steps: [
      ['My name is Li Lei, email li.lei@example.com. I bought a kettle from ShopMart last Friday for $40, order #A-20261120-0001, it stopped heating. I want a refund.', ['photos'], ['your name', 'reach you', 'How much']],
      ['Done', ['Please check', 'A-20261120-0001']],
      ['Submit', ['Ticket number: 2026000001']],
    ],
    expectedStatus: 'complete',
  },
  {
    name: 'a photo sent while another question is open is kept, and the question asked again',
    steps: [
      ['昨天买的电热水壶第一次用就漏电了', ['怎么称呼']],
      [{ type: 'message', text: '', attachments: [{ name: 'burn.png', contentType: 'image/png', contentUrl: PNG }] }, ['已保存 1 个文件', '怎么称呼']],
      ['张三', ['怎么联系您']],
      ['13812345678', ['哪个订单']],
      ['跳过', ['多少钱']],
      ['跳过', ['怎么处理']],
      ['退款', ['请核对', 'burn.png'], ['照片、小票']],
      ['提交', ['工单号：2026000001']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => expect(desk.tickets[0]!.draft.evidence.map((e) => e.name)).toEqual(['burn.png']),
  },
  {
    name: 'corrections: a correction mid-way and an edit of one field at the summary',
    steps: [
      ['我叫张三，手机13812345678，昨天在京东买的电热水壶漏电，299元，订单号 2026112012345678，要求退款', ['照片']],
      ['电话改成 13900001111', ['已更新：联系方式', '照片']],
      ['完成', ['13900001111', '299']],
      ['修改', ['修改哪一项']],
      ['金额', ['多少钱']],
      ['399元', ['请核对', '¥399'], ['¥299']],
      ['提交', ['工单号：2026000001']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => expect(desk.tickets[0]!.draft).toMatchObject({ phone: '13900001111', amount: { value: 399 }, name: '张三', orderId: '2026112012345678' }),
  },
  {
    name: 'cancel mid-way: nothing is filed',
    steps: [
      ['昨天买的电热水壶第一次用就漏电了', ['怎么称呼']],
      ['取消', ['已取消']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => expect(desk.tickets).toHaveLength(0),
  },
  {
    name: 'help mid-way explains the question and asks it again',
    locale: 'en-US',
    steps: [
      ['The delivery guy threw my parcel over the fence and it broke', ['your name']],
      ['help', ['I asked: What is your name?', 'What is your name?']],
      ['Li Lei', ['reach you']],
    ],
    expectedStatus: 'waiting',
  },
  {
    name: 'three failed answers hand over to a person with what was collected',
    steps: [
      ['我叫张三，手机13812345678，昨天买的电热水壶漏电，要求退款', ['哪个订单']],
      ['跳过', ['多少钱']],
      ['很多', ['没能读出金额']],
      ['不少', ['没能读出金额']],
      ['一大笔', ['转给工作人员', '工单 2026000001']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => {
      expect(desk.tickets).toHaveLength(1);
      expect(desk.tickets[0]!.personRequested).toBe(true);
      expect(desk.tickets[0]!.draft).toMatchObject({ name: '张三', phone: '13812345678' });
    },
  },
  {
    name: 'restart mid-way forgets the answers and asks from the start',
    steps: [
      ['昨天买的电热水壶第一次用就漏电了', ['怎么称呼']],
      ['张三', ['怎么联系您']],
      ['重新开始', ['从头开始', '请问发生了什么']],
      ['快递员态度很差，把包裹扔在门口', ['怎么称呼']],
    ],
    expectedStatus: 'waiting',
  },
  {
    name: 'when the save fails the answers are kept and Submit works again',
    setup: (desk) => (desk.failNextFilings = 1),
    steps: [
      ['我叫张三，手机13812345678，昨天买的电热水壶漏电，299元，订单号 2026112012345678，要求退款', ['照片']],
      ['完成', ['请核对']],
      ['提交', ['没能保存', '请核对', '张三']],
      ['提交', ['工单号：2026000001']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => expect(desk.tickets).toHaveLength(1),
  },
  {
    name: 'an unsure classifier: the customer picks the category, which goes to reclassify',
    setup: (desk) => (desk.classification = { category: 'billing', needsConfirmation: true, candidates: ['billing', 'after_sales', 'other'] }),
    steps: [
      ['我叫张三，手机13812345678，昨天买的电热水壶退货后一直没退钱，299元，订单号 2026112012345678，要求退款', ['照片']],
      ['完成', ['请核对']],
      ['提交', ['已保存，工单号：2026000001', '资费/费用争议', '售后']],
      ['售后', ['工单号：2026000001', '类别：售后']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => expect(desk.tickets[0]!.reclassified).toEqual(['after_sales']),
  },
  {
    name: '"something else" at the category check offers every category',
    locale: 'en-US',
    setup: (desk) => (desk.classification = { category: 'billing', needsConfirmation: true, candidates: ['billing', 'after_sales'] }),
    steps: [
      ['My name is Li Lei, email li.lei@example.com. I bought a kettle from ShopMart last Friday and they charged me twice, $40, order #A-1234, I want a refund.', ['photos']],
      ['Done', ['Please check']],
      ['Submit', ['Billing, or After-sales']],
      ['Something else', ['Which of these', 'Safety']],
      ['Contract', ['Category: Contract']],
    ],
    expectedStatus: 'complete',
    expectedDesk: (desk) => expect(desk.tickets[0]!.reclassified).toEqual(['contract']),
  },
];
