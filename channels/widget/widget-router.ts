/**
 * The web widget: `GET /widget.js` (one script tag adds the chat bubble), the Web Chat bundle
 * served from this service (copied from botframework-webchat's dist at build time, never a CDN),
 * short-lived Direct Line tokens for pages on WIDGET_ALLOWED_ORIGINS, and a demo page at `/`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import express, { type Request, type Response, type Router } from 'express';
import { projectRoot } from '../../src/support/paths';
import type { TokenSigner } from '../directline/tokens';
import { newConversationId } from '../directline/tokens';

/** Next to this file, in the sources and in dist (the build copies them: tools/copy-webchat.mjs). */
const ASSETS = path.join(__dirname, 'assets');
/** Where `npm run build` copies the Web Chat bundle (dist/public/webchat), seen from dist/channels/widget. */
export const WEBCHAT_BUILD_PATH = path.join(__dirname, '..', '..', 'public', 'webchat', 'webchat.js');

export interface WidgetSettings {
  allowedOrigins: string[];
  tokenTtlSeconds: number;
}

/** `http://localhost:*` allows any port of that host; `*` allows every origin. */
export function originAllowed(origin: string | undefined, patterns: string[]): boolean {
  if (!origin) return false;
  return patterns.some((p) => {
    if (p === '*') return true;
    const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '[^/]*')}$`, 'i');
    return re.test(origin);
  });
}

function webChatBundle(): { path: string; etag: string } | null {
  // The built copy first; in development (tests run from the sources) the devDependency itself.
  const candidates = [WEBCHAT_BUILD_PATH, path.join(projectRoot(), 'node_modules', 'botframework-webchat', 'dist', 'webchat.js')];
  for (const p of candidates) {
    if (fs.existsSync(p)) {
      const stat = fs.statSync(p);
      return { path: p, etag: `"${stat.size.toString(16)}-${stat.mtimeMs.toString(16)}"` };
    }
  }
  return null;
}

export function widgetRouter(signer: () => Promise<TokenSigner>, settings: WidgetSettings): Router {
  const router = express.Router();
  // Read once, on first use: a deployment missing them still starts (and says what is missing).
  let widgetJs: Buffer | null | undefined;
  let demo: string | null | undefined;
  const asset = (name: string): Buffer | null => {
    try {
      return fs.readFileSync(path.join(ASSETS, name));
    } catch {
      return null;
    }
  };
  const missing = (res: Response, name: string) =>
    res.status(404).type('text/plain').send(`The widget's ${name} is missing next to the service: run \`npm run build\` (it copies channels/widget/assets).`);
  const bundle = webChatBundle();
  let gzipped: Buffer | null = null;

  const crossOrigin = (res: Response) => res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');

  router.get('/widget.js', (_req, res) => {
    widgetJs ??= asset('widget.js');
    if (!widgetJs) {
      missing(res, 'widget.js');
      return;
    }
    crossOrigin(res);
    res.type('application/javascript; charset=utf-8').setHeader('Cache-Control', 'public, max-age=300');
    res.send(widgetJs);
  });

  router.get('/webchat/webchat.js', (req: Request, res: Response) => {
    if (!bundle) {
      res.status(404).type('text/plain').send('Web Chat bundle missing: run `npm run build` (it copies botframework-webchat/dist/webchat.js).');
      return;
    }
    crossOrigin(res);
    res.type('application/javascript; charset=utf-8').setHeader('Cache-Control', 'public, max-age=86400');
    res.setHeader('ETag', bundle.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.get('if-none-match') === bundle.etag) {
      res.status(304).end();
      return;
    }
    if (/\bgzip\b/.test(req.get('accept-encoding') ?? '')) {
      gzipped ??= zlib.gzipSync(fs.readFileSync(bundle.path), { level: 6 });
      res.setHeader('Content-Encoding', 'gzip');
      res.send(gzipped);
      return;
    }
    res.sendFile(bundle.path);
  });

  router.get('/', (req, res) => {
    demo ??= asset('demo.html')?.toString('utf8') ?? null;
    if (!demo) {
      missing(res, 'demo page');
      return;
    }
    res.type('html').send(demo.replace('__ORIGIN__', `${req.protocol}://${req.get('host')}`));
  });

  router.options('/api/widget/token', (req, res) => {
    if (originAllowed(req.get('origin'), settings.allowedOrigins)) {
      res.setHeader('Access-Control-Allow-Origin', req.get('origin')!);
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Vary', 'Origin');
    }
    res.status(204).end();
  });

  router.post('/api/widget/token', async (req, res, next) => {
    try {
      const origin = req.get('origin');
      res.setHeader('Vary', 'Origin');
      if (!originAllowed(origin, settings.allowedOrigins)) {
        res.status(403).json({ error: { code: 'widget.origin_not_allowed', message: 'This page is not allowed to open the chat (WIDGET_ALLOWED_ORIGINS).' } });
        return;
      }
      res.setHeader('Access-Control-Allow-Origin', origin!);
      const conversationId = newConversationId();
      const exp = Math.floor(Date.now() / 1000) + settings.tokenTtlSeconds;
      const token = (await signer()).sign({ c: conversationId, ch: 'webchat', u: `wc_${crypto.randomBytes(8).toString('hex')}`, exp });
      res.json({ conversationId, token, expires_in: settings.tokenTtlSeconds });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
