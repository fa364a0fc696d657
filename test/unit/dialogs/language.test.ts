/** The customer's language: the locale or the first message decides; the customer's script is kept. */
import { chineseScript, chooseLanguage, detect, fromLocale } from '../../../dialogs/language';

describe('language', () => {
  it.each([
    ['我买的热水壶漏电了', 'zh-CN'],
    ['我買的熱水壺漏電了', 'zh-TW'],
    ['My kettle leaks and the shop will not refund me', 'en'],
    ['OK', null],
    ['😡😡', null],
  ])('when a customer writes %s, then the language is %s', (text, expected) => {
    expect(detect(text)).toBe(expected);
  });

  it('when the locale names a Chinese region, then the script follows it', () => {
    expect(fromLocale('zh-TW')).toBe('zh-TW');
    expect(fromLocale('zh-Hant-HK')).toBe('zh-TW');
    expect(fromLocale('zh-CN')).toBe('zh-CN');
    expect(fromLocale('en-US')).toBe('en');
    expect(fromLocale('fr-FR')).toBeNull();
  });

  it('when the customer switches script or language clearly, then the bot follows; a short English word does not switch it', () => {
    expect(chooseLanguage('zh-CN', 'zh-CN', '我要換貨，謝謝')).toBe('zh-TW');
    expect(chooseLanguage('zh-TW', 'zh-TW', '张三')).toBe('zh-CN');
    expect(chooseLanguage('zh-CN', 'zh-CN', 'Li Lei')).toBe('zh-CN');
    expect(chooseLanguage('zh-CN', 'en-US', 'Actually I would rather write in English now')).toBe('en');
    expect(chooseLanguage(undefined, 'en-US', '我的快递丢了')).toBe('zh-CN');
    expect(chooseLanguage(undefined, undefined, '')).toBe('zh-CN');
    expect(chineseScript('好')).toBeNull();
  });
});
