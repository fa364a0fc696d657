/** What the bot says, as WeChat shows it; the XML WeChat posts, as the channel reads it. */
import { MessageFactory, CardFactory, ActionTypes } from 'botbuilder';
import { choiceFor, numberedOptions, renderActivities, splitText, wechatLinks } from '../../../channels/wechat/wechat-render';
import { cdata, parseInbound, textReplyXml, WeChatXmlError } from '../../../channels/wechat/wechat-xml';
import { createSummaryActivity, withButtons } from '../../../dialogs/summary-card';
import { newDraft } from '../../../dialogs/complaint-draft';
import { messagesFor } from '../../../dialogs/messages';
import { parseTemplateSetting } from '../../../src/config/wechat-template';

describe('WeChat rendering', () => {
  it('when a question offers buttons, then they become numbered options in the customer\'s script, and numbers pick them', () => {
    const r = renderActivities([withButtons('请核对', ['提交', '修改', '取消'])], 'zh-CN');
    expect(r.text).toBe('请核对\n回复 1 提交，2 修改，3 取消');
    expect(r.choices).toEqual(['提交', '修改', '取消']);
    expect(renderActivities([withButtons('請核對', ['確認', '修改'])], 'zh-TW').text).toBe('請核對\n回覆 1 確認，2 修改');
    expect(renderActivities([withButtons('Check it', ['Submit', 'Edit'])], 'en').text).toBe('Check it\nReply 1 Submit, 2 Edit');
    expect(choiceFor('2', r.choices)).toBe('修改');
    expect(choiceFor(' ３ ', r.choices)).toBe('取消');
    expect(choiceFor('2.', r.choices)).toBe('修改');
    expect(choiceFor('4', r.choices)).toBeNull();
    expect(choiceFor('2 个', r.choices)).toBeNull();
    expect(choiceFor('2', null)).toBeNull();
  });

  it('when many or long options are offered, then they are listed one per line', () => {
    const labels = ['产品质量', '服务质量', '服务态度', '资费/费用争议', '售后服务'];
    expect(numberedOptions(labels, 'zh-CN')).toBe('回复数字：\n1. 产品质量\n2. 服务质量\n3. 服务态度\n4. 资费/费用争议\n5. 售后服务');
  });

  it('when a single option is offered, then it is named, not numbered, and a bare number stays a number', () => {
    const r = renderActivities([withButtons('涉及多少钱？', ['跳过'])], 'zh-CN');
    expect(r.text).toBe('涉及多少钱？\n（回复“跳过”）');
    expect(r.choices).toBeNull();
    // Already named in the question: not repeated.
    expect(renderActivities([withButtons('没有的话回复“完成”。', ['完成'])], 'zh-CN').text).toBe('没有的话回复“完成”。');
  });

  it('when the summary card is sent, then WeChat gets its facts as text and the three choices numbered', () => {
    const m = messagesFor('zh-CN');
    const d = { ...newDraft('k'), description: '电热水壶漏电', phone: '13812345678', name: '张三' };
    const r = renderActivities([createSummaryActivity(d, m, 'zh-CN')], 'zh-CN');
    expect(r.text).toContain(m.summaryIntro);
    expect(r.text).toContain('问题描述: 电热水壶漏电');
    expect(r.text).toContain('回复 1 提交，2 修改，3 取消');
    expect(r.choices).toEqual(['提交', '修改', '取消']);
  });

  it('when a list is already numbered in the text, then it is not numbered twice', () => {
    const r = renderActivities([withButtons('您想修改哪一项？\n1. 称呼\n2. 金额', ['称呼', '金额'])], 'zh-CN');
    expect(r.text).toBe('您想修改哪一项？\n1. 称呼\n2. 金额');
    expect(r.choices).toEqual(['称呼', '金额']);
  });

  it('when several replies come in one turn, then they are one text and the last question\'s options count', () => {
    const r = renderActivities([MessageFactory.text('收到，已保存 1 个文件。'), withButtons('还有吗？', ['完成', '取消'])], 'zh-CN');
    expect(r.text).toBe('收到，已保存 1 个文件。\n\n还有吗？\n回复 1 完成，2 取消');
    expect(renderActivities([withButtons('还有吗？', ['完成', '取消']), MessageFactory.text('好的')], 'zh-CN').choices).toBeNull();
    const hero = MessageFactory.attachment(CardFactory.heroCard('标题', '正文', [], [{ type: ActionTypes.OpenUrl, title: 'x', value: 'https://example.com' }]));
    expect(renderActivities([hero], 'zh-CN').text).toBe('标题\n正文');
  });

  it('when a text has links, then WeChat gets <a href> links, with quotes kept out of the attribute', () => {
    expect(wechatLinks('见 [订单页](https://shop.example.com/o/1) 或 <https://a.example.com/x|这里>')).toBe(
      '见 <a href="https://shop.example.com/o/1">订单页</a> 或 <a href="https://a.example.com/x">这里</a>',
    );
    expect(wechatLinks('<https://b.example.com/?q="x>')).toBe('<a href="https://b.example.com/?q=%22x">https://b.example.com/?q="x</a>');
    expect(wechatLinks('plain https://c.example.com stays')).toBe('plain https://c.example.com stays');
  });

  it('when a text is longer than WeChat takes, then it is cut at line ends into pieces under the limit, losing nothing', () => {
    const para = '这是一段很长的说明。'.repeat(40);
    const text = [para, para, para].join('\n\n');
    const pieces = splitText(text, 2000);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(2000);
    expect(pieces.join('').replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
    const unbroken = '字'.repeat(1500);
    expect(splitText(unbroken, 2000).join('')).toBe(unbroken);
    expect(splitText('short')).toEqual(['short']);
  });
});

describe('WeChat XML', () => {
  it('when a message is posted, then its fields are read as text, MsgId exact', () => {
    const m = parseInbound('<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oABC-123_x]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[我的快递 <丢了> & 没人管]]></Content><MsgId>18446744073709551615</MsgId></xml>');
    expect(m).toEqual({ toUser: 'gh_1', fromUser: 'oABC-123_x', createTime: 1700000000, msgType: 'text', content: '我的快递 <丢了> & 没人管', msgId: '18446744073709551615' });
  });

  it('when the XML is malformed, declares entities, or lacks required fields, then it is refused', () => {
    expect(() => parseInbound('<xml><ToUserName>gh</ToUserName>')).toThrow(WeChatXmlError);
    expect(() => parseInbound('<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><ToUserName>&a;</ToUserName></xml>')).toThrow(WeChatXmlError);
    expect(() => parseInbound('<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><MsgType>text</MsgType></xml>')).toThrow(/CreateTime/);
    expect(() => parseInbound('<xml><ToUserName>gh</ToUserName><FromUserName>o 1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>')).toThrow(/OpenID/);
    expect(() => parseInbound('<root><a>1</a></root>')).toThrow(/root/);
  });

  it('when a reply holds "]]>", then its CDATA is split so the XML stays whole', () => {
    const xml = textReplyXml({ toUser: 'o1', fromUser: 'gh', createTime: 1, content: 'a]]>b' });
    expect(xml).toContain(cdata('a]]>b'));
    const back = parseInbound(xml.replace('<MsgType>', '<MsgType>').replace('</xml>', '</xml>'));
    expect(back.content).toBe('a]]>b');
  });
});

describe('WeChat template settings', () => {
  it('when a template id is given alone, then the classic fields are used; with a mapping, exactly those', () => {
    expect(parseTemplateSetting('tMpl_0123456789').fields.map((f) => f.field)).toEqual(['first', 'keyword1', 'keyword2', 'keyword3', 'remark']);
    expect(parseTemplateSetting('tMpl_0123456789:character_string1=number,thing2=status,time3=time')).toEqual({
      id: 'tMpl_0123456789',
      fields: [
        { field: 'character_string1', source: 'number' },
        { field: 'thing2', source: 'status' },
        { field: 'time3', source: 'time' },
      ],
    });
    expect(() => parseTemplateSetting('short')).toThrow(/template id/);
    expect(() => parseTemplateSetting('tMpl_0123456789:thing2=phone')).toThrow(/not one of/);
    expect(() => parseTemplateSetting('tMpl_0123456789:a=number,a=status')).toThrow(/twice/);
  });
});
