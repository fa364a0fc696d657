/** Slot filling from free text: what a message already says is found, in zh-CN, zh-TW and en. */
import { extractSlots, findWhen, parseAmount, parseContact, parseRemedy } from '../../../dialogs/extract/slots';

const ctx = { now: new Date('2026-11-20T02:00:00Z'), timeZone: 'Asia/Shanghai' }; // Friday 20 Nov 2026, 10:00 in Shanghai

describe('extractSlots', () => {
  it.each([
    [
      '我叫张三，手机13812345678，昨天在京东买的电热水壶第一次用就漏电，花了299元，订单号 2026112012345678，要求退款',
      { name: '张三', phone: '13812345678', orderId: '2026112012345678', amount: { value: 299, currency: 'CNY' }, when: { date: '2026-11-19', text: '昨天' }, remedy: 'refund', product: '电热水壶', merchant: '京东' },
    ],
    [
      '上週三在台北門市買的吹風機壞了，NT$1,200，我要換貨，電話 0912 345 678',
      { phone: '0912 345 678', amount: { value: 1200, currency: 'TWD' }, when: { date: '2026-11-11', text: '上週三' }, remedy: 'replace', product: '吹風機', location: '台北門市' },
    ],
    [
      'I bought a kettle from ShopMart last Friday for $40, it stopped heating. Order #A-20261120-0001. My name is Li Lei, email li.lei@example.com. I want a refund.',
      { email: 'li.lei@example.com', orderId: 'A-20261120-0001', amount: { value: 40, currency: 'USD' }, when: { date: '2026-11-13', text: 'last Friday' }, remedy: 'refund', name: 'Li Lei', product: 'kettle', merchant: 'ShopMart' },
    ],
    ['3月5日收到的手机屏幕有划痕，¥3999，请联系 zhang@example.cn', { email: 'zhang@example.cn', amount: { value: 3999, currency: 'CNY' }, when: { date: '2026-03-05', text: '3月5日' }, product: '手机屏幕' }],
  ])('when the message is %s, then every slot it states is found', (text, expected) => {
    expect(extractSlots(text, ctx)).toMatchObject(expected);
  });

  it('when a message states nothing extractable, then nothing is invented', () => {
    expect(extractSlots('我是在网上买的，太差了', ctx)).toEqual({});
    expect(extractSlots('The service was terrible and nobody helped me.', ctx)).toEqual({});
  });

  it('when an e-mail address holds digits, then they are not taken for a phone number', () => {
    expect(extractSlots('email 13812345678@qq.com', ctx)).toEqual({ email: '13812345678@qq.com' });
  });
});

describe('answers to single questions', () => {
  it.each([
    ['138 1234 5678', { phone: '138 1234 5678' }],
    ['+852 9123 4567', { phone: '+852 9123 4567' }],
    ['9123 4567', { phone: '9123 4567' }],
    ['name@example.com', { email: 'name@example.com' }],
    ['abc', null],
    ['12', null],
  ])('when asked for a contact and told %s, then %j', (text, expected) => {
    expect(parseContact(text)).toEqual(expected);
  });

  it.each([
    ['299', { value: 299, currency: 'CNY' }],
    ['¥299.50', { value: 299.5, currency: 'CNY' }],
    ['299块钱', { value: 299, currency: 'CNY' }],
    ['US$ 1,234.56', { value: 1234.56, currency: 'USD' }],
    ['40 dollars', { value: 40, currency: 'USD' }],
    ['很多钱', null],
  ])('when asked for the amount and told %s, then %j', (text, expected) => {
    expect(parseAmount(text, 'CNY')).toEqual(expected);
  });

  it.each([
    ['退钱', 'refund'],
    ['換貨', 'replace'],
    ['please fix it', 'repair'],
    ['赔偿损失', 'compensation'],
    ['我要他们道歉', 'apology'],
    ['3', 'repair'],
    ['其他', 'other'],
    ['不知道', null],
  ])('when asked for the remedy and told %s, then %s', (text, expected) => {
    expect(parseRemedy(text)).toBe(expected);
  });

  it('when a date in the year is later than today, then it means last year; times of day alone are not dates', () => {
    expect(findWhen('12月24日', ctx)).toEqual({ date: '2025-12-24', text: '12月24日' });
    expect(findWhen('at 3pm', ctx)).toBeUndefined();
  });
});
