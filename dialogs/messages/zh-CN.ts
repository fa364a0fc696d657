import type { Messages } from './types';

export const zhCN: Messages = {
  welcome: '您好，我是投诉助手。请直接说说遇到了什么问题——一条消息就够了，缺什么我再问。',
  greeting: '您好！请直接描述遇到的问题，我来帮您登记投诉；查询进度请发“查询 2026000123”，需要帮助请发“帮助”。',
  youAreWelcome: '不客气。还有其他问题随时告诉我。',
  help:
    '我可以：登记投诉（直接描述问题即可）、查询工单进度（“查询 2026000123”）、给已有工单补充说明或照片（“补充材料”）、为您转接人工客服（“转人工”）。任何时候都可以发“取消”“重新开始”或“帮助”。',
  helpAtStep: (question) => `我刚才问的是：${question}\n请直接回答；可选的问题可以回复“跳过”；发“重新开始”从头来，“取消”结束，“转人工”联系工作人员。`,
  helpInHandoff: '工作人员正在处理您的工单，您在这里发的消息会转给他们。发“查询”可查看工单状态，发“取消”结束与工作人员的对话。',
  cancelled: '已取消，没有提交任何内容。随时描述问题即可重新开始。',
  nothingToCancel: '当前没有需要取消的内容。准备好了就请描述您遇到的问题。',
  restarted: '好的，我们从头开始。',
  emptyMessage: '没有收到文字内容，请用几句话描述您遇到的问题。',
  tooLong: (max) => `这条消息太长了（最多 ${max} 个字）。请发一条简短些的；之前的回答都还保留着。`,
  noWords: '我只能读懂文字，不能只读表情或符号。请用几句话描述一下。',
  somethingWentWrong: '抱歉，我们这边出了点问题。请再发一次刚才的消息；之前的回答都还保留着。',
  unavailable: '抱歉，系统暂时不可用。请一分钟后再试；之前的回答都还保留着。',

  ask: {
    description: '请问发生了什么？请描述一下问题。',
    name: '请问您怎么称呼？',
    contact: '我们怎么联系您？请留下手机号码或电子邮箱。',
    when: '这是什么时候发生的？（例如“昨天”“上周三”“3月5日”）',
    where: '在哪里发生的，或者涉及哪个订单/账户？（有订单号更好）',
    product: '涉及什么商品或服务，是哪家商家或公司？',
    amount: '涉及多少钱？（例如“299元”“¥299”）',
    remedy: '您希望我们怎么处理？退款、换货、维修、赔偿、道歉，还是其他？',
    evidence: '有照片、小票或截图吗？现在可以直接发送，没有的话点“完成”。',
  },
  retry: {
    name: '请告诉我您的称呼（文字，最多 100 个字）。',
    contact: '这看起来不像手机号码或电子邮箱。请留下手机号码（例如 138 1234 5678）或邮箱（例如 name@example.com）。',
    when: '我没能从中读出日期。可以说“昨天”“上周五”“2026-03-05”，或者回复“跳过”。',
    amount: '我没能读出金额。可以说“299元”“¥299”“$40”，或者回复“跳过”。',
    remedy: '请选择一项：退款、换货、维修、赔偿、道歉或其他。',
    description: '请再多描述几句发生了什么。',
    choice: '请从选项中选择一项（也可以回复序号）。',
    confirm: '请选择“提交”发送投诉，“修改”更改内容，或“取消”。',
  },
  skipHint: '（不清楚可以回复“跳过”）',
  evidenceSaved: (count) => `收到，已保存 ${count} 个文件。`,
  evidenceTooLarge: (name, maxMb) => `“${name}”超过 ${maxMb} MB，无法保存。请发送小一些的文件。`,
  evidenceType: (name) => `无法接收“${name}”：请发送照片（JPEG、PNG、GIF、WebP）、PDF 或文本文件。`,
  evidenceUnreachable: (name) => `没能获取“${name}”，请重新发送。`,

  remedies: { refund: '退款', replace: '换货', repair: '维修', compensation: '赔偿', apology: '道歉', other: '其他' },
  fields: {
    description: '问题描述',
    name: '称呼',
    contact: '联系方式',
    when: '发生时间',
    where: '地点/订单',
    product: '商品/商家',
    amount: '金额',
    remedy: '诉求',
    evidence: '附件',
  },
  notGiven: '—',
  summaryTitle: '您的投诉',
  summaryIntro: '请核对投诉内容。确认无误请提交，或选择“修改”更改其中一项。',
  buttons: { submit: '提交', edit: '修改', cancel: '取消', skip: '跳过', done: '完成', somethingElse: '其他问题' },
  whichField: '您想修改哪一项？',
  updated: (field) => `已更新：${field}。`,

  saveFailed: '抱歉，暂时没能保存您的投诉。内容不会丢失，您的回答都已保留。请稍后再点一次“提交”。',
  filed: (f) =>
    [
      `您的投诉已登记，工单号：${f.number}。`,
      `类别：${f.category}。`,
      f.firstContact ? `我们将在 ${f.firstContact} 前与您联系，` : null,
      f.resolution ? `并争取在 ${f.resolution} 前处理完毕。` : null,
      f.lookupCode ? `请保存查询码 ${f.lookupCode}，用于查询进度（也可以用手机号后 4 位）。` : null,
    ]
      .filter(Boolean)
      .join(''),
  filedShort: (number) => `您的投诉已保存，工单号：${number}。`,
  categoryQuestion: (options) => `为了转给对应的团队：请问这是关于${options.join('，还是')}的问题？`,
  categoryAll: '以下哪一类最符合？',

  askTicketNumber: '请问是哪个工单？请提供 10 位工单号（例如 2026000123）。',
  askVerification: '为保护您的隐私：请提供工单上手机号的后 4 位，或您收到的查询码。',
  badTicketNumber: '工单号是 10 位数字，例如 2026000123。请再试一次。',
  verificationFailed: '与该工单不符。请核对后再试。',
  lookupLocked: (minutes) => `该工单的错误尝试次数过多，请 ${minutes} 分钟后再试，或转人工。`,
  statusReport: (f) =>
    [
      `工单 ${f.number}：${f.status}。`,
      `类别：${f.category}。`,
      f.owner ? '已有工作人员负责处理。' : null,
      f.firstContact ? `首次联系期限：${f.firstContact}。` : null,
      f.resolution ? `处理期限：${f.resolution}。` : null,
    ]
      .filter(Boolean)
      .join(''),
  statuses: {
    new: '已受理，等待工作人员接单',
    claimed: '工作人员已接单',
    investigating: '调查处理中',
    waiting_customer: '等待您补充信息',
    resolved: '已处理完毕',
    reopened: '已重新打开',
    closed: '已结案',
    rejected: '不予受理',
  },

  askAddition: '您想补充什么？可以直接写在这里，也可以发送照片或文件。',
  added: (number) => `已补充到工单 ${number}，负责的工作人员会看到。`,
  addFailed: '抱歉，暂时没能补充成功。请稍后再发一次。',

  handoffAskContact: '为了让工作人员联系您：请留下手机号码或电子邮箱。',
  handoffFiled: (number) => `已将您的投诉转给工作人员（工单 ${number}），他们会联系您；您现在在这里发的消息会转给他们。`,
  handoffStarted: (number) => `工作人员将接手工单 ${number}，您现在在这里发的消息会转给他们。`,
  personJoined: (number) => `工作人员已开始处理工单 ${number}，您在这里发的消息会转给他们。`,
  handoffLeft: (number) => `您已结束与工作人员的对话，工单 ${number} 仍在处理中。`,
  botBack: (number) => `工单 ${number} 已处理完毕。我回来了，还有其他需要请告诉我。`,
  tooManyTries: '抱歉，我没能理解。我会把这件事转给工作人员。',
  noTicketForHandoff: '转人工之前，请先简单描述一下您遇到的问题。',
};
