import cors from '@fastify/cors';
import Fastify from 'fastify';

const app = Fastify();
// ruleid: cors-any-origin-with-credentials
app.register(cors, { origin: true, credentials: true });
// ok: cors-any-origin-with-credentials
app.register(cors, { origin: 'https://shop.example.com', credentials: true });
