'use strict';
const cors = require('cors');
const express = require('express');
const app = express();

// ruleid: cors-any-origin-with-credentials
app.use(cors({ origin: true, credentials: true }));
// ruleid: cors-wildcard-credentials
app.use(cors({ credentials: true, origin: '*' }));
// ok: cors-any-origin-with-credentials, cors-wildcard-credentials
app.use(cors({ origin: ['https://shop.example.com'], credentials: true }));
// ok: cors-wildcard-credentials
app.use(cors({ origin: '*' }));

app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  // ruleid: cors-any-origin-with-credentials
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
  next();
});

app.use((req, res, next) => {
  res.header('Access-Control-Allow-Origin', '*');
  // ruleid: cors-wildcard-credentials
  res.header('Access-Control-Allow-Credentials', 'true');
  next();
});

app.use((req, res, next) => {
  // ok: cors-wildcard-credentials
  res.header('Access-Control-Allow-Origin', '*');
  next();
});

const allowedOrigins = ['https://shop.example.com'];
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  if (allowedOrigins.includes(req.headers.origin)) {
    // ok: cors-any-origin-with-credentials
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
  }
  next();
});
