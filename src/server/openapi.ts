/** OpenAPI 3.1 description of the REST API; the request schema comes from the zod schema itself. */
import { z } from 'zod';
import { complaintInputSchema } from '../domain/complaint-input';
import { CATEGORIES, SEVERITIES } from '../domain/taxonomy';
import { TICKET_STATUSES } from '../domain/state-machine';

function requestSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(complaintInputSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  const props = schema.properties as Record<string, Record<string, unknown>>;
  props.occurredAt = { type: 'string', format: 'date-time', description: 'When it happened (ISO 8601)' };
  // The zod refine (a phone or an e-mail) has no JSON Schema form of its own: state it here.
  const customer = props.customer;
  if (customer) {
    customer.anyOf = [{ required: ['phone'] }, { required: ['email'] }];
    customer.description = 'Needs a phone or an e-mail address (or both).';
  }
  return schema;
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

const summary = {
  number: { type: 'string', pattern: '^\\d{10}$', example: '2026000123' },
  status: { type: 'string', enum: TICKET_STATUSES },
  category: { type: 'string', enum: CATEGORIES },
  severity: { type: 'string', enum: SEVERITIES },
  createdAt: { type: 'string', format: 'date-time' },
  deadlines: { type: 'object', properties: { firstContact: deadline, factCheck: deadline, resolution: deadline } },
};

export function openApiDocument(): Record<string, unknown> {
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Complaint desk API',
      version: '0.1.0',
      description: 'File complaints from hotlines, e-mail gateways and phone agents, and look them up.',
    },
    paths: {
      '/api/complaints': {
        post: {
          summary: 'File a complaint',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Repeat a request with the same key to get the same ticket instead of a second one (8–128 letters, digits, _ . : or -).',
              schema: { type: 'string', minLength: 8, maxLength: 128, pattern: IDEMPOTENCY_KEY_PATTERN },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ComplaintInput' } } } },
          responses: {
            '201': { description: 'Filed', headers: { Location: { schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Filed' } } } },
            '200': { description: 'Replay of an earlier request with the same Idempotency-Key', content: { 'application/json': { schema: { $ref: '#/components/schemas/Filed' } } } },
            '400': errorResponse('Invalid JSON, unknown or $-prefixed fields, or invalid values'),
            '409': errorResponse('A request with the same Idempotency-Key is still in progress'),
            '413': errorResponse('Body too large'),
            '415': errorResponse('Body is not JSON'),
            '503': errorResponse('Database unavailable; retry after the Retry-After seconds'),
          },
        },
      },
      '/api/complaints/{number}': {
        get: {
          summary: 'Look up a complaint (needs the lookup code or the phone number’s last 4 digits)',
          parameters: [
            { name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{10}$' } },
            { name: 'X-Lookup-Code', in: 'header', required: false, schema: { type: 'string' } },
            { name: 'X-Contact-Last4', in: 'header', required: false, schema: { type: 'string', pattern: '^\\d{4}$' } },
            { name: 'code', in: 'query', required: false, schema: { type: 'string' }, description: 'Same as X-Lookup-Code' },
            { name: 'last4', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{4}$' }, description: 'Same as X-Contact-Last4' },
          ],
          responses: {
            '200': { description: 'The ticket (contacts masked)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Ticket' } } } },
            '400': errorResponse('Not a ticket number'),
            '401': errorResponse('No verification given'),
            '404': errorResponse('No ticket matches this number and verification'),
            '429': errorResponse('Too many wrong verifications; retry after Retry-After seconds'),
            '503': errorResponse('Database unavailable'),
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'The process is up' } } } },
      '/readyz': { get: { summary: 'Readiness (database reachable)', responses: { '200': { description: 'Ready' }, '503': { description: 'Database unreachable' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Metrics in text format' } } } },
    },
    components: {
      schemas: {
        ComplaintInput: requestSchema(),
        Error: error,
        Filed: {
          type: 'object',
          properties: {
            ...summary,
            lookupCode: { type: ['string', 'null'], description: 'Give this to the customer: it proves they may look the ticket up. Null on replays.' },
            replayed: { type: 'boolean' },
            classification: {
              type: 'object',
              properties: {
                confidence: { type: 'number' },
                needsConfirmation: { type: 'boolean' },
                candidates: { type: 'array', items: { type: 'object', properties: { category: { type: 'string' }, probability: { type: 'number' } } } },
                reasons: { type: 'array', items: { type: 'object', properties: { rule: { type: 'string' }, effect: { type: 'string' }, evidence: { type: 'array', items: { type: 'string' } } } } },
                modelVersion: { type: 'string' },
                categoryDecidedBy: { type: 'string', enum: ['classifier', 'customer', 'agent', 'api'] },
              },
            },
            highRisk: { type: 'boolean' },
            recurrenceOf: { type: ['string', 'null'] },
          },
        },
        Ticket: {
          type: 'object',
          properties: {
            ...summary,
            updatedAt: { type: 'string', format: 'date-time' },
            customer: { type: 'object', description: 'Masked' },
            description: { type: 'string' },
            history: { type: 'array', items: { type: 'object', properties: { status: { type: 'string' }, at: { type: 'string', format: 'date-time' }, by: { type: 'string' } } } },
            resolution: { type: ['object', 'null'] },
            rejection: { type: ['object', 'null'] },
          },
        },
      },
    },
  };
}
