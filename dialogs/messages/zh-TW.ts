// Generated from zh-CN.ts by tools/gen-zh-tw-messages.ts (OpenCC cn → twp); edit zh-CN.ts and regenerate.
import type { Messages } from './types';

export const zhTW: Messages = {
  welcome: '您好，我是投訴助手。請直接說說遇到了什麼問題——一條訊息就夠了，缺什麼我再問。',
  greeting: '您好！請直接描述遇到的問題，我來幫您登記投訴；查詢進度請發「查詢 2026000123」，需要幫助請發「幫助」。',
  youAreWelcome: '不客氣。還有其他問題隨時告訴我。',
  help:
    '我可以：登記投訴（直接描述問題即可）、查詢工單進度（「查詢 2026000123」）、給已有工單補充說明或照片（「補充材料」）、為您轉接人工客服（「轉人工」）。任何時候都可以發「取消」「重新開始」或「幫助」。',
  helpAtStep: (question) => `我剛才問的是：${question}\n請直接回答；可選的問題可以回覆「跳過」；發「重新開始」從頭來，「取消」結束，「轉人工」聯絡工作人員。`,
  helpInHandoff: '工作人員正在處理您的工單，您在這裡發的訊息會轉給他們。發「查詢」可檢視工單狀態，發「取消」結束與工作人員的對話。',
  cancelled: '已取消，沒有提交任何內容。隨時描述問題即可重新開始。',
  nothingToCancel: '當前沒有需要取消的內容。準備好了就請描述您遇到的問題。',
  restarted: '好的，我們從頭開始。',
  emptyMessage: '沒有收到文字內容，請用幾句話描述您遇到的問題。',
  tooLong: (max) => `這條訊息太長了（最多 ${max} 個字）。請發一條簡短些的；之前的回答都還保留著。`,
  noWords: '我只能讀懂文字，不能只讀表情或符號。請用幾句話描述一下。',
  somethingWentWrong: '抱歉，我們這邊出了點問題。請再發一次剛才的訊息；之前的回答都還保留著。',
  unavailable: '抱歉，系統暫時不可用。請一分鐘後再試；之前的回答都還保留著。',

  ask: {
    description: '請問發生了什麼？請描述一下問題。',
    name: '請問您怎麼稱呼？',
    contact: '我們怎麼聯絡您？請留下手機號碼或電子郵件。',
    when: '這是什麼時候發生的？（例如「昨天」「上週三」「3月5日」）',
    where: '在哪裡發生的，或者涉及哪個訂單/帳戶？（有訂單號更好）',
    product: '涉及什麼商品或服務，是哪家商家或公司？',
    amount: '涉及多少錢？（例如「299元」「¥299」）',
    remedy: '您希望我們怎麼處理？退款、換貨、維修、賠償、道歉，還是其他？',
    evidence: '有照片、小票或截圖嗎？現在可以直接傳送，沒有的話點「完成」。',
  },
  retry: {
    name: '請告訴我您的稱呼（文字，最多 100 個字）。',
    contact: '這看起來不像手機號碼或電子郵件。請留下手機號碼（例如 138 1234 5678）或電子郵件（例如 name@example.com）。',
    when: '我沒能從中讀出日期。可以說「昨天」「上週五」「2026-03-05」，或者回復「跳過」。',
    amount: '我沒能讀出金額。可以說「299元」「¥299」「$40」，或者回復「跳過」。',
    remedy: '請選擇一項：退款、換貨、維修、賠償、道歉或其他。',
    description: '請再多描述幾句發生了什麼。',
    choice: '請從選項中選擇一項（也可以回覆序號）。',
    confirm: '請選擇「提交」傳送投訴，「修改」更改內容，或「取消」。',
  },
  skipHint: '（不清楚可以回覆「跳過」）',
  evidenceSaved: (count) => `收到，已儲存 ${count} 個檔案。`,
  evidenceTooLarge: (name, maxMb) => `「${name}」超過 ${maxMb} MB，無法儲存。請傳送小一些的檔案。`,
  evidenceType: (name) => `無法接收「${name}」：請傳送照片（JPEG、PNG、GIF、WebP）、PDF 或文本檔案。`,
  evidenceUnreachable: (name) => `沒能獲取「${name}」，請重新發送。`,

  remedies: { refund: '退款', replace: '換貨', repair: '維修', compensation: '賠償', apology: '道歉', other: '其他' },
  fields: {
    description: '問題描述',
    name: '稱呼',
    contact: '聯絡方式',
    when: '發生時間',
    where: '地點/訂單',
    product: '商品/商家',
    amount: '金額',
    remedy: '訴求',
    evidence: '附件',
  },
  notGiven: '—',
  summaryTitle: '您的投訴',
  summaryIntro: '請核對投訴內容。確認無誤請提交，或選擇「修改」更改其中一項。',
  buttons: { submit: '提交', edit: '修改', cancel: '取消', skip: '跳過', done: '完成', somethingElse: '其他問題' },
  whichField: '您想修改哪一項？',
  updated: (field) => `已更新：${field}。`,

  saveFailed: '抱歉，暫時沒能儲存您的投訴。內容不會丟失，您的回答都已保留。請稍後再點一次「提交」。',
  filed: (f) =>
    [
      `您的投訴已登記，工單號：${f.number}。`,
      `類別：${f.category}。`,
      f.firstContact ? `我們將在 ${f.firstContact} 前與您聯絡，` : null,
      f.resolution ? `並爭取在 ${f.resolution} 前處理完畢。` : null,
      f.lookupCode ? `請儲存查詢碼 ${f.lookupCode}，用於查詢進度（也可以用手機號後 4 位）。` : null,
    ]
      .filter(Boolean)
      .join(''),
  filedShort: (number) => `您的投訴已儲存，工單號：${number}。`,
  categoryQuestion: (options) => `為了轉給對應的團隊：請問這是關於${options.join('，還是')}的問題？`,
  categoryAll: '以下哪一類最符合？',

  askTicketNumber: '請問是哪個工單？請提供 10 位工單號（例如 2026000123）。',
  askVerification: '為保護您的隱私：請提供工單上手機號的後 4 位，或您收到的查詢碼。',
  badTicketNumber: '工單號是 10 位數字，例如 2026000123。請再試一次。',
  verificationFailed: '與該工單不符。請核對後再試。',
  lookupLocked: (minutes) => `該工單的錯誤嘗試次數過多，請 ${minutes} 分鐘後再試，或轉人工。`,
  statusReport: (f) =>
    [
      `工單 ${f.number}：${f.status}。`,
      `類別：${f.category}。`,
      f.owner ? '已有工作人員負責處理。' : null,
      f.firstContact ? `首次聯絡期限：${f.firstContact}。` : null,
      f.resolution ? `處理期限：${f.resolution}。` : null,
    ]
      .filter(Boolean)
      .join(''),
  statuses: {
    new: '已受理，等待工作人員接單',
    claimed: '工作人員已接單',
    investigating: '調查處理中',
    waiting_customer: '等待您補充資訊',
    resolved: '已處理完畢',
    reopened: '已重新開啟',
    closed: '已結案',
    rejected: '不予受理',
  },

  askAddition: '您想補充什麼？可以直接寫在這裡，也可以傳送照片或檔案。',
  added: (number) => `已補充到工單 ${number}，負責的工作人員會看到。`,
  addFailed: '抱歉，暫時沒能補充成功。請稍後再發一次。',

  handoffAskContact: '為了讓工作人員聯絡您：請留下手機號碼或電子郵件。',
  handoffFiled: (number) => `已將您的投訴轉給工作人員（工單 ${number}），他們會聯絡您；您現在在這裡發的訊息會轉給他們。`,
  handoffStarted: (number) => `工作人員將接手工單 ${number}，您現在在這裡發的訊息會轉給他們。`,
  personJoined: (number) => `工作人員已開始處理工單 ${number}，您在這裡發的訊息會轉給他們。`,
  handoffLeft: (number) => `您已結束與工作人員的對話，工單 ${number} 仍在處理中。`,
  botBack: (number) => `工單 ${number} 已處理完畢。我回來了，還有其他需要請告訴我。`,
  tooManyTries: '抱歉，我沒能理解。我會把這件事轉給工作人員。',
  noTicketForHandoff: '轉人工之前，請先簡單描述一下您遇到的問題。',
  myTickets: (shown, total) => (shown < total ? `您在這裡提交過 ${total} 個投訴，最近 ${shown} 個：` : `您在這裡提交的投訴（${total} 個）：`),
  noTicketsYet: '您在這裡還沒有提交過投訴。請直接描述遇到的問題；查詢其他渠道提交的工單請發「查詢」加工單號。',
};
