/** OpenAPI 3.1 description of the REST API; the request schema comes from the zod schema itself. */
import { z } from 'zod';
import { complaintInputSchema, customerContactSchema } from '../domain/complaint-input';
import { CATEGORIES, CHANNELS, LANGUAGES, REMEDIES, SEVERITIES } from '../domain/taxonomy';
import { TICKET_STATUSES } from '../domain/state-machine';

function requestSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(complaintInputSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  const props = schema.properties as Record<string, Record<string, unknown>>;
  props.occurredAt = { type: 'string', format: 'date-time', description: 'When it happened (RFC 3339 date-time; a plain date such as 2026-11-20 is accepted too)' };
  // The zod refinements have no JSON Schema form of their own: state them here, so that what the
  // document calls valid is exactly what the service accepts.
  contactRules(props.customer as ContactSchema);
  requireNonBlank(schema);
  return schema;
}

type ContactSchema = { properties: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** The contact rules of the zod schema that JSON Schema cannot derive (filing and the personal-data API share them). */
function contactRules(customer: ContactSchema): void {
  customer.anyOf = [{ required: ['phone'] }, { required: ['email'] }];
  customer.description = 'Needs a phone or an e-mail address (or both).';
  customer.properties.phone!.pattern = PHONE_JSON_PATTERN;
  // The e-mail rule is zod's pattern, which JSON Schema's looser `format: email` would contradict.
  delete customer.properties.email!.format;
  customer.properties.phone!.description = '7–20 digits, optionally with a leading + and spaces, dashes or brackets between them';
}

function customerContact(): Record<string, unknown> {
  const schema = z.toJSONSchema(customerContactSchema, { io: 'input', unrepresentable: 'any' }) as ContactSchema;
  delete schema.$schema;
  contactRules(schema);
  schema.description = 'The phone or e-mail address the customer complained with (as they gave it; matched after normalising).';
  return schema;
}

const personalDate = { type: ['string', 'null'], format: 'date-time' };
const evidenceItem = { type: 'object', required: ['name', 'contentType', 'size', 'sha256'], properties: { name: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'number' }, sha256: { type: 'string' } } };

/** What the export holds of each ticket (src/domain/personal-data.ts). */
const exportedTicket = {
  type: 'object',
  required: ['number', 'status', 'channel', 'category', 'severity', 'createdAt', 'erased', 'customer', 'description', 'evidence', 'history', 'resolution', 'rejection', 'satisfaction', 'flags', 'messages'],
  properties: {
    number: { type: 'string', pattern: '^[0-9]{10}$' },
    status: { type: 'string', enum: TICKET_STATUSES },
    channel: { type: 'string' },
    language: { type: 'string' },
    category: { type: 'string', enum: CATEGORIES },
    severity: { type: 'string', enum: SEVERITIES },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    erased: { type: 'boolean', description: 'Erased or anonymised already: no personal values are left' },
    customer: { type: 'object', properties: { name: { type: ['string', 'null'] }, phone: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } } },
    description: { type: ['string', 'null'] },
    occurredAt: personalDate,
    occurredText: { type: ['string', 'null'] },
    location: { type: ['string', 'null'] },
    orderId: { type: ['string', 'null'] },
    product: { type: ['string', 'null'] },
    merchant: { type: ['string', 'null'] },
    amount: { type: ['object', 'null'] },
    desiredRemedy: { type: ['string', 'null'] },
    evidence: { type: 'array', items: evidenceItem },
    history: { type: 'array', items: { type: 'object', required: ['status', 'action', 'at', 'by'], properties: { status: { type: 'string' }, action: { type: 'string' }, at: { type: 'string', format: 'date-time' }, by: { type: 'string' } } } },
    resolution: { type: ['object', 'null'] },
    rejection: { type: ['object', 'null'] },
    satisfaction: { type: ['object', 'null'], properties: { rating: { type: 'integer', minimum: 1, maximum: 5 }, at: { type: 'string', format: 'date-time' } } },
    flags: { type: 'object', properties: { repeatOf: { type: ['string', 'null'] }, flaggedMalicious: { type: ['object', 'null'] } } },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'direction', 'text', 'evidence'],
        properties: { at: { type: 'string', format: 'date-time' }, direction: { type: 'string', enum: ['from_customer', 'to_customer'] }, text: { type: ['string', 'null'] }, evidence: { type: 'array', items: evidenceItem } },
      },
    },
  },
};

const personalDataErrors = (): Record<string, unknown> =>
  errors(
    {
      '400': 'Invalid JSON, unknown or $-prefixed fields, or no valid phone or e-mail address (each problem named)',
      '401': 'No valid admin API key',
      '403': 'No admin API key is configured (the personal-data API is never open)',
      '413': 'Body larger than the configured limit',
      '415': 'Body is not JSON (or not UTF-8)',
      '429': 'Too many requests from this address; retry after Retry-After seconds',
      '503': 'Database unavailable or busy; retry after Retry-After seconds',
    },
    ['429', '503'],
  );

/** The phone rule of complaint-input.ts as one regular expression: 7–20 digits, separators between them. */
const PHONE_JSON_PATTERN = '^\\+?[0-9](?:[ ()-]*[0-9]){6,19}$';

/** Texts are trimmed before their length is checked: a text of only spaces is empty. */
function requireNonBlank(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.type === 'string' && n.minLength === 1 && n.pattern === undefined && n.format === undefined) n.pattern = '\\S';
  for (const v of Object.values(n)) requireNonBlank(v);
}

/** Same rule as ComplaintService's check of the Idempotency-Key header. */
const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_.:-]{8,128}$';

const error = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', example: 'validation.failed' }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
};

const deadline = {
  type: 'object',
  properties: {
    dueAt: { type: ['string', 'null'], format: 'date-time', description: 'null while the clock is paused' },
    warnAt: { type: ['string', 'null'], format: 'date-time' },
    metAt: { type: ['string', 'null'], format: 'date-time' },
    budget: { type: 'object', properties: { unit: { type: 'string', enum: ['hours', 'workingDays', 'workingHours'] }, amount: { type: 'number' } } },
    paused: { type: 'boolean' },
  },
};

const label = { type: 'object', required: ['zh', 'en'], properties: { zh: { type: 'string' }, en: { type: 'string' } } };
const nullableDate = { type: ['string', 'null'], format: 'date-time' };

const summary = {
  number: { type: 'string', pattern: '^[0-9]{10}$', example: '2026000123' },
  status: { type: 'string', enum: TICKET_STATUSES },
  category: { type: 'string', enum: CATEGORIES },
  categoryLabel: label,
  severity: { type: 'string', enum: SEVERITIES },
  severityLabel: label,
  channel: { type: 'string', enum: CHANNELS },
  language: { type: 'string', enum: LANGUAGES },
  createdAt: { type: 'string', format: 'date-time' },
  deadlines: {
    type: 'object',
    required: ['firstContact', 'factCheck', 'resolution'],
    properties: { firstContact: deadline, factCheck: deadline, resolution: deadline },
  },
};
const summaryRequired = ['number', 'status', 'category', 'severity', 'createdAt', 'deadlines'];

const numberParameter = { name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{10}$' } };

/** What every error answer looks like, by status. */
function errors(statuses: Record<string, string>, withRetryAfter: string[] = []): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [
      status,
      {
        description,
        ...(withRetryAfter.includes(status) ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'string', pattern: '^[0-9]+$' } } } } : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

export function openApiDocument(): Record<string, unknown> {
  const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Complaint desk API',
      version: '0.2.0',
      description:
        'File complaints from hotlines, e-mail gateways and phone agents, look them up, and post back the customer’s ' +
        'answer to the satisfaction survey and their appeal. Filing, answers and appeals need an API key ' +
        '(`Authorization: Bearer <key>`; one per integrating system) wherever the service has keys configured (always in production). ' +
        'One customer’s personal data is exported or erased on request through the personal-data API, with an admin key only.',
    },
    paths: {
      '/api/complaints': {
        post: {
          operationId: 'fileComplaint',
          summary: 'File a complaint',
          security: [{ apiKey: [] }],
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Repeat a request with the same key to get the same ticket instead of a second one (8–128 letters, digits, _ . : or -). One key files at most one ticket, ever.',
              schema: { type: 'string', minLength: 8, maxLength: 128, pattern: IDEMPOTENCY_KEY_PATTERN },
            },
          ],
          requestBody: { required: true, content: json('ComplaintInput') },
          responses: {
            '201': { description: 'Filed', headers: { Location: { schema: { type: 'string' } } }, content: json('Filed') },
            '200': { description: 'Replay of an earlier request with the same Idempotency-Key', headers: { Location: { schema: { type: 'string' } } }, content: json('Filed') },
            ...errors(
              {
                '400': 'Invalid JSON, unknown or $-prefixed fields, nesting deeper than 20 levels, or invalid values (each problem named)',
                '401': 'No valid API key',
                '413': 'Body larger than the configured limit',
                '415': 'Body is not JSON (or not UTF-8)',
                '422': 'The Idempotency-Key was already used for a different complaint',
                '429': 'Too many filings from this API key or requests from this address; retry after Retry-After seconds',
                '503': 'Database unavailable or busy, or the year’s ticket numbers are used up; retry after Retry-After seconds',
              },
              ['429', '503'],
            ),
          },
        },
      },
      '/api/complaints/{number}': {
        get: {
          operationId: 'lookUpComplaint',
          summary: 'Look up a complaint: the lookup code shows the whole ticket (contacts masked), the phone’s last 4 digits its status and deadlines',
          parameters: [
            { name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{10}$' } },
            { name: 'X-Lookup-Code', in: 'header', required: false, description: 'The lookup code given at filing', schema: { type: 'string', maxLength: 64 } },
            { name: 'X-Contact-Last4', in: 'header', required: false, description: 'The last 4 digits of the phone given at filing', schema: { type: 'string', maxLength: 16 } },
          ],
          responses: {
            '200': {
              description: 'The ticket (with the lookup code) or its status (with the last 4 digits)',
              headers: { 'Cache-Control': { schema: { type: 'string', enum: ['no-store'] } } },
              content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/Ticket' }, { $ref: '#/components/schemas/TicketStatus' }] } } },
            },
            ...errors(
              {
                '400': 'Not a ticket number, or a verification header that is too long',
                '401': 'No verification given (X-Lookup-Code or X-Contact-Last4)',
                '404': 'No ticket matches this number and verification (the same answer whether the ticket exists or not)',
                '429': 'Too many wrong verifications, or too many requests from this address; retry after Retry-After seconds',
                '503': 'Database unavailable; retry after Retry-After seconds',
              },
              ['429', '503'],
            ),
          },
        },
      },
      '/api/personal-data/export': {
        post: {
          operationId: 'exportCustomerData',
          summary: 'Everything held about one customer (their tickets’ personal values, messages, ratings) as one JSON document',
          description: 'For a data request (access or portability). Audited: who asked, when, which tickets (the customer by the keyed hash of the contact). Never logged or cached.',
          security: [{ adminKey: [] }],
          requestBody: { required: true, content: json('CustomerContact') },
          responses: {
            '200': { description: 'The export (no tickets: the contact is unknown)', headers: { 'Cache-Control': { schema: { type: 'string', enum: ['no-store'] } } }, content: json('CustomerExport') },
            ...personalDataErrors(),
          },
        },
      },
      '/api/personal-data/erase': {
        post: {
          operationId: 'eraseCustomerData',
          summary: 'Erase one customer’s personal data (all their tickets and messages); the audit chain stays verifiable',
          description: 'Each ticket records its erasure as an audited change, then loses its personal values, message texts and link to the contact.',
          security: [{ adminKey: [] }],
          requestBody: { required: true, content: json('CustomerContact') },
          responses: {
            '200': { description: 'Erased (no tickets: the contact is unknown)', content: json('Erased') },
            ...personalDataErrors(),
          },
        },
      },
      '/api/complaints/{number}/satisfaction': {
        post: {
          operationId: 'rateComplaint',
          summary: 'The customer’s answer to the satisfaction survey, from the filing system that asked them (1–5, or not satisfied)',
          description:
            'A rating of 3 or more closes the ticket; 1–2 or `notSatisfied` leave it resolved and the answer offers an appeal ' +
            '(`POST …/appeal`). The comment is kept with the ticket’s messages. Only while a survey is open (sent, not answered, its window not passed).',
          security: [{ apiKey: [] }],
          parameters: [numberParameter],
          requestBody: { required: true, content: json('SatisfactionInput') },
          responses: {
            '200': { description: 'Recorded', content: json('Satisfaction') },
            ...errors(
              {
                '400': 'Invalid JSON, a body that is not a JSON object, $-prefixed fields, or not a ticket number',
                '401': 'No valid API key',
                '404': 'No such ticket',
                '409': 'The ticket is not waiting for a rating (no survey was sent, it was answered, or its window passed)',
                '413': 'Body larger than the configured limit',
                '415': 'Body is not JSON (or not UTF-8)',
                '422': 'A rating that is not a whole number from 1 to 5, neither a rating nor notSatisfied, unknown fields, or a comment too long (each problem named)',
                '429': 'Too many requests from this address; retry after Retry-After seconds',
                '503': 'Database unavailable; retry after Retry-After seconds',
              },
              ['429', '503'],
            ),
          },
        },
      },
      '/api/complaints/{number}/appeal': {
        post: {
          operationId: 'appealComplaint',
          summary: 'The customer appeals the result: the ticket is reopened with its number and a new resolution deadline',
          description: 'Possible while the ticket is resolved, or closed for at most APPEAL_DAYS. The reason is kept with the ticket’s messages; the owner and the supervisors are told.',
          security: [{ apiKey: [] }],
          parameters: [numberParameter],
          requestBody: { required: true, content: json('AppealInput') },
          responses: {
            '200': { description: 'Reopened', content: json('TicketStatus') },
            ...errors(
              {
                '400': 'Invalid JSON, a body that is not a JSON object, $-prefixed fields, or not a ticket number',
                '401': 'No valid API key',
                '404': 'No such ticket',
                '409': 'The ticket cannot be appealed now (not resolved, or closed longer ago than the appeal window)',
                '413': 'Body larger than the configured limit',
                '415': 'Body is not JSON (or not UTF-8)',
                '422': 'Unknown fields or a reason too long (each problem named)',
                '429': 'Too many requests from this address; retry after Retry-After seconds',
                '503': 'Database unavailable; retry after Retry-After seconds',
              },
              ['429', '503'],
            ),
          },
        },
      },
      '/healthz': { get: { operationId: 'liveness', summary: 'Liveness', responses: { '200': { description: 'The process is up', content: { 'application/json': { schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } } } } } } },
      '/readyz': {
        get: {
          operationId: 'readiness',
          summary: 'Readiness (database reachable)',
          responses: {
            '200': { description: 'Ready', content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } } },
            '503': { description: 'Database unreachable', content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } } },
          },
        },
      },
      '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics', responses: { '200': { description: 'Metrics in the Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key made with `npm run api-key -- --name <system>`' },
        adminKey: { type: 'http', scheme: 'bearer', description: 'An admin API key made with `npm run api-key -- --name <who> --admin` (the personal-data API only)' },
      },
      schemas: {
        ComplaintInput: requestSchema(),
        CustomerContact: customerContact(),
        CustomerExport: {
          type: 'object',
          required: ['format', 'exportedAt', 'customerKey', 'flag', 'tickets'],
          properties: {
            format: { type: 'string', const: 'complaint-desk.customer-export/1' },
            exportedAt: { type: 'string', format: 'date-time' },
            customerKey: { type: 'string', description: 'The keyed hash the desk knows the customer by' },
            flag: { type: ['object', 'null'], description: 'The contact is flagged as malicious (with the supervisor’s reason)', properties: { reason: { type: 'string' }, at: { type: 'string', format: 'date-time' } } },
            tickets: { type: 'array', items: exportedTicket },
          },
        },
        Erased: {
          type: 'object',
          required: ['erased', 'tickets'],
          properties: { erased: { type: 'integer', minimum: 0 }, tickets: { type: 'array', items: { type: 'string', pattern: '^[0-9]{10}$' } } },
        },
        SatisfactionInput: {
          type: 'object',
          additionalProperties: false,
          description: 'A rating, or notSatisfied: true (or both)',
          properties: {
            rating: { type: 'integer', minimum: 1, maximum: 5, description: '1 (very unsatisfied) to 5 (very satisfied)' },
            comment: { type: 'string', maxLength: 2000, description: 'What the customer said about it' },
            notSatisfied: { type: 'boolean', description: 'The customer said they are not satisfied' },
          },
          anyOf: [{ required: ['rating'] }, { required: ['notSatisfied'], properties: { notSatisfied: { const: true } } }],
        },
        Satisfaction: {
          type: 'object',
          required: ['number', 'status', 'rating', 'closed', 'offerAppeal'],
          properties: {
            number: summary.number,
            status: summary.status,
            rating: { type: ['integer', 'null'], minimum: 1, maximum: 5 },
            closed: { type: 'boolean', description: 'The ticket is closed (a rating of 3 or more)' },
            offerAppeal: { type: 'boolean', description: 'Offer the customer an appeal (POST …/appeal)' },
          },
        },
        AppealInput: {
          type: 'object',
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 2000, description: 'Why the customer appeals, in their words' } },
        },
        Error: error,
        Readiness: { type: 'object', required: ['status', 'database'], properties: { status: { type: 'string', enum: ['ready', 'unavailable'] }, database: { type: 'string', enum: ['up', 'down'] } } },
        Filed: {
          type: 'object',
          required: [...summaryRequired, 'lookupCode', 'replayed', 'classification', 'highRisk', 'recurrenceOf', 'links'],
          properties: {
            ...summary,
            lookupCode: { type: ['string', 'null'], description: 'Give this to the customer: it proves they may look the ticket up. Null on replays.' },
            replayed: { type: 'boolean' },
            classification: {
              type: 'object',
              required: ['confidence', 'needsConfirmation', 'candidates', 'reasons', 'modelVersion', 'categoryDecidedBy'],
              properties: {
                confidence: { type: 'number', minimum: 0, maximum: 1 },
                needsConfirmation: { type: 'boolean' },
                candidates: { type: 'array', items: { type: 'object', required: ['category', 'probability'], properties: { category: { type: 'string', enum: CATEGORIES }, probability: { type: 'number' } } } },
                reasons: {
                  type: 'array',
                  items: { type: 'object', required: ['rule', 'effect', 'evidence'], properties: { rule: { type: 'string' }, effect: { type: 'string' }, evidence: { type: 'array', items: { type: 'string' } }, floor: { type: 'string', enum: SEVERITIES } } },
                },
                modelVersion: { type: 'string' },
                categoryDecidedBy: { type: 'string', enum: ['classifier', 'customer', 'agent', 'api'] },
              },
            },
            highRisk: { type: 'boolean' },
            recurrenceOf: { type: ['string', 'null'], pattern: '^[0-9]{10}$' },
            links: { type: 'object', required: ['self'], properties: { self: { type: 'string' } } },
          },
        },
        TicketStatus: {
          type: 'object',
          description: 'What the phone’s last 4 digits may see',
          required: [...summaryRequired, 'updatedAt', 'scope'],
          properties: { ...summary, updatedAt: { type: 'string', format: 'date-time' }, scope: { type: 'string', const: 'status' } },
        },
        Ticket: {
          type: 'object',
          description: 'What the lookup code may see: the whole ticket, contacts masked',
          required: [...summaryRequired, 'updatedAt', 'scope', 'customer', 'description', 'history', 'resolution', 'rejection'],
          properties: {
            ...summary,
            scope: { type: 'string', const: 'full' },
            updatedAt: { type: 'string', format: 'date-time' },
            customer: {
              type: 'object',
              description: 'Masked',
              required: ['name', 'contact'],
              properties: { name: { type: ['string', 'null'] }, contact: { type: 'object', properties: { phone: { type: 'string' }, email: { type: 'string' } } } },
            },
            description: { type: 'string' },
            occurredAt: nullableDate,
            occurredText: { type: ['string', 'null'] },
            orderId: { type: ['string', 'null'] },
            product: { type: ['string', 'null'] },
            merchant: { type: ['string', 'null'] },
            amount: { type: ['object', 'null'], properties: { value: { type: 'number' }, currency: { type: 'string' } } },
            desiredRemedy: { type: ['string', 'null'], enum: [...REMEDIES, null] },
            evidence: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'number' }, sha256: { type: 'string' } } } },
            history: {
              type: 'array',
              items: { type: 'object', required: ['status', 'at', 'by'], properties: { status: { type: 'string', enum: TICKET_STATUSES }, at: { type: 'string', format: 'date-time' }, by: { type: 'string' } } },
            },
            resolution: { type: ['object', 'null'] },
            rejection: { type: ['object', 'null'] },
          },
        },
      },
    },
  };
}
