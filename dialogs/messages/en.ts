import type { Messages } from './types';

export const en: Messages = {
  welcome: 'Hello, I am the complaints assistant. Tell me in your own words what went wrong — one message is enough; I will only ask for what is missing.',
  greeting: 'Hello! Tell me what happened and I will register your complaint, or type "status 2026000123" to check a ticket, or "help".',
  youAreWelcome: 'You are welcome. Tell me any time if there is anything else.',
  help:
    'I can: register a complaint (just describe what happened), check a ticket ("status 2026000123"), add information or photos to a ticket ("add information"), or put you in touch with a person ("talk to a person"). At any time you can type "cancel", "restart" or "help".',
  helpAtStep: (question) => `I asked: ${question}\nAnswer it, type "skip" where a question is optional, "restart" to start over, "cancel" to stop, or "talk to a person".`,
  helpInHandoff: 'A member of our staff is handling your ticket and reads what you write here. Type "status" to see your ticket, or "cancel" to stop talking to them.',
  cancelled: 'Cancelled. Nothing was sent. You can start again any time by describing your problem.',
  nothingToCancel: 'There is nothing to cancel. Describe your problem whenever you are ready.',
  restarted: 'Let us start over.',
  emptyMessage: 'I did not get any text. Please describe your problem in a few words.',
  tooLong: (max) => `That message is too long for me (at most ${max} characters). Please send a shorter version; what you told me before is kept.`,
  noWords: 'I can only read words, not just emoji or symbols. Please describe it in a few words.',
  somethingWentWrong: 'Sorry, something went wrong on our side. Please send your last message again; your answers so far are kept.',
  unavailable: 'Sorry, our system is briefly unavailable. Please try again in a minute; your answers so far are kept.',

  ask: {
    description: 'What happened? Please describe the problem.',
    name: 'What is your name?',
    contact: 'How can we reach you? Please give a mobile number or an e-mail address.',
    when: 'When did it happen? (e.g. "yesterday", "last Friday", "3 March")',
    where: 'Where did it happen, or which order or account is it about? (an order number helps)',
    product: 'Which product or service, and which shop or company?',
    amount: 'How much money is involved? (e.g. "$40" or "299 yuan")',
    remedy: 'What would you like us to do? Refund, replace, repair, compensation, apology, or something else?',
    evidence: 'Do you have photos, receipts or screenshots? Attach them now, or tap "Done".',
  },
  retry: {
    name: 'Please tell me your name (letters, at most 100 characters).',
    contact: 'That does not look like a phone number or e-mail address. Please give a mobile number (e.g. 138 1234 5678) or an e-mail (e.g. name@example.com).',
    when: 'I could not read a date from that. Try "yesterday", "last Friday", "2026-03-05", or type "skip".',
    amount: 'I could not read an amount from that. Try "$40", "299 yuan" or "¥299", or type "skip".',
    remedy: 'Please pick one: refund, replace, repair, compensation, apology, or other.',
    description: 'Please describe what happened in a few more words.',
    choice: 'Please pick one of the options (you can also type its number).',
    confirm: 'Please choose "Submit" to send your complaint, "Edit" to change something, or "Cancel".',
  },
  skipHint: ' (type "skip" if you do not know)',
  evidenceSaved: (count) => (count === 1 ? 'Got it: 1 file saved.' : `Got it: ${count} files saved.`),
  evidenceTooLarge: (name, maxMb) => `"${name}" is larger than ${maxMb} MB, so I could not keep it. Please send a smaller file.`,
  evidenceType: (name) => `I cannot accept "${name}": please send photos (JPEG, PNG, GIF, WebP), PDF or text files.`,
  evidenceUnreachable: (name) => `I could not fetch "${name}". Please try attaching it again.`,

  remedies: { refund: 'Refund', replace: 'Replacement', repair: 'Repair', compensation: 'Compensation', apology: 'Apology', other: 'Other' },
  fields: {
    description: 'What happened',
    name: 'Name',
    contact: 'Contact',
    when: 'When',
    where: 'Where / order',
    product: 'Product / shop',
    amount: 'Amount',
    remedy: 'You would like',
    evidence: 'Attachments',
  },
  notGiven: '—',
  summaryTitle: 'Your complaint',
  summaryIntro: 'Please check your complaint. Submit it, or choose Edit to change one thing.',
  buttons: { submit: 'Submit', edit: 'Edit', cancel: 'Cancel', skip: 'Skip', done: 'Done', somethingElse: 'Something else' },
  whichField: 'What would you like to change?',
  updated: (field) => `Updated: ${field}.`,

  saveFailed: 'Sorry, I could not save your complaint just now. Nothing is lost: your answers are kept. Please choose "Submit" again in a moment.',
  filed: (f) =>
    [
      `Your complaint is registered. Ticket number: ${f.number}.`,
      `Category: ${f.category}.`,
      f.firstContact ? `We will contact you by ${f.firstContact}` : null,
      f.resolution ? `and aim to resolve it by ${f.resolution}.` : null,
      f.lookupCode ? `Keep your lookup code ${f.lookupCode} to check the status (or use the last 4 digits of your phone).` : null,
    ]
      .filter(Boolean)
      .join(' '),
  filedShort: (number) => `Your complaint is saved. Ticket number: ${number}.`,
  categoryQuestion: (options) => `To route it to the right team: is this about ${options.join(', or ')}?`,
  categoryAll: 'Which of these fits best?',

  askTicketNumber: 'Which ticket? Please give the 10-digit ticket number (e.g. 2026000123).',
  askVerification: 'For your privacy: please give the last 4 digits of the phone number on the ticket, or the lookup code you received.',
  badTicketNumber: 'A ticket number has 10 digits, like 2026000123. Please try again.',
  verificationFailed: 'That does not match this ticket. Please check the number and try again.',
  lookupLocked: (minutes) => `Too many wrong tries for this ticket. Please try again in ${minutes} minutes, or talk to a person.`,
  statusReport: (f) =>
    [
      `Ticket ${f.number}: ${f.status}.`,
      `Category: ${f.category}.`,
      f.owner ? 'A member of our staff is handling it.' : null,
      f.firstContact ? `First contact by ${f.firstContact}.` : null,
      f.resolution ? `Resolution due by ${f.resolution}.` : null,
    ]
      .filter(Boolean)
      .join(' '),
  statuses: {
    new: 'received, waiting for a member of staff',
    claimed: 'a member of staff has taken it',
    investigating: 'being investigated',
    waiting_customer: 'waiting for information from you',
    resolved: 'resolved',
    reopened: 'reopened',
    closed: 'closed',
    rejected: 'not accepted',
  },

  askAddition: 'What would you like to add? Write it here and/or attach photos or files.',
  added: (number) => `Added to ticket ${number}. The person handling it will see it.`,
  addFailed: 'Sorry, I could not add that just now. Please send it again in a moment.',

  handoffAskContact: 'So that a person can reach you: what is your mobile number or e-mail address?',
  handoffFiled: (number) => `I have passed your complaint to a member of staff (ticket ${number}). They will contact you; what you write here now goes to them.`,
  handoffStarted: (number) => `A member of staff will take over ticket ${number}. What you write here now goes to them.`,
  personJoined: (number) => `A member of our staff is now handling ticket ${number}. What you write here goes to them.`,
  handoffLeft: (number) => `You have left the conversation with our staff. Ticket ${number} stays open.`,
  botBack: (number) => `Ticket ${number} is resolved. I am back: tell me if you need anything else.`,
  tooManyTries: 'Sorry, I am having trouble understanding. I will pass this to a member of staff.',
  noTicketForHandoff: 'To pass you to a person I need a short description of the problem first.',
};
