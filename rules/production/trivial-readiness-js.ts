import express, { Request, Response } from 'express';
import Fastify from 'fastify';

const app = express();
const router = express.Router();
const fastify = Fastify();

// ruleid: production-trivial-readiness-js
app.get('/readyz', (req, res) => res.send('ok'));

// ruleid: production-trivial-readiness-js
app.get('/ready', (_req: Request, res: Response) => {
  res.status(200).json({ status: 'ok' });
});

// ruleid: production-trivial-readiness-js
router.get('/health/ready', function (req, res) {
  res.sendStatus(200);
});

// ruleid: production-trivial-readiness-js
fastify.get('/readiness', async () => ({ ready: true }));

// a liveness endpoint is rightly trivial
// ok: production-trivial-readiness-js
app.get('/healthz', (req, res) => res.send('ok'));

// ok: production-trivial-readiness-js
app.get('/readyz', async (req, res) => {
  try {
    await db.query('SELECT 1');
    res.send('ok');
  } catch (err) {
    res.status(503).send('db unavailable');
  }
});

// ok: production-trivial-readiness-js
app.get('/ready', (req, res) => res.status(isWarm ? 200 : 503).end());

// ok: production-trivial-readiness-js
fastify.get('/ready', async () => ({ ready: pool.totalCount > 0 }));
