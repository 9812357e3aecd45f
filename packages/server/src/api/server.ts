/**
 * @module api/server
 * Builds (does not start) the HTTP server: webhooks, the REST API with its OpenAPI 3.1 document, realtime
 * streams, webchat visitor endpoints and operations. Only app/main.ts listens on a port.
 */
import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import type { Hub } from '../core/hub.js';
import { bearerAuth } from './auth.js';
import { installErrorHandling } from './http-errors.js';
import { connectionRoutes, templateRoutes } from './routes/connection-routes.js';
import { consentRoutes } from './routes/consent-routes.js';
import { conversationRoutes } from './routes/conversation-routes.js';
import { callRoutes } from './routes/call-routes.js';
import { contactRoutes } from './routes/contact-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { webchatRoutes } from './routes/webchat-routes.js';
import { webhookListener, type WebhookListener } from './routes/webhook-routes.js';
import { metaCallbackRoute, metaConnectRoutes } from './routes/meta-connect-routes.js';
import { mediaServeRoutes, mediaUploadRoutes } from './routes/media-routes.js';
import { deadLetterRoutes } from './routes/dead-letter-routes.js';
import { subscriptionRoutes } from './routes/subscription-routes.js';
import { signInRoutes, userRoutes } from './routes/user-routes.js';
import { workspaceRoutes } from './routes/workspace-routes.js';
import { staticRoutes } from './routes/static-routes.js';
import { routingRoutes } from './routes/routing-routes.js';
import { teamRoutes } from './routes/team-routes.js';
import { agentRoutes } from './routes/agent-routes.js';
import { contactImportRoutes } from './routes/contact-import-routes.js';
import { campaignRoutes } from './routes/campaign-routes.js';

export interface ServerOptions {
  hub: Hub;
  logger: FastifyBaseLogger | false;
  publicUrl: string;
  bodyLimit: number;
  /** whom to believe in X-Forwarded-For (SWITCHBOARD_TRUST_PROXY); default nobody */
  trustProxy?: boolean | string;
  /** largest upload to /api/v1/media */
  mediaLimit: number;
  metricsText: () => Promise<string>;
  version: string;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { hub } = options;
  // `app` is declared below; the listener only logs once requests flow
  const webhooks: WebhookListener = webhookListener(hub, {
    publicUrl: options.publicUrl,
    bodyLimit: options.bodyLimit,
    warn: (details, message) => app.log.warn(details, message),
  });
  const app = Fastify({
    loggerInstance: options.logger === false ? undefined : options.logger,
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy ?? false,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: true,
    // webhooks are answered before fastify's router (api/routes/webhook-routes.ts); the server keeps the timeouts
    // fastify would have set on its own
    serverFactory: (handler, opts) => {
      const o = opts as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number };
      const server = createServer((req, res) => {
        if (!webhooks.handle(req, res)) handler(req, res);
      });
      server.keepAliveTimeout = o.keepAliveTimeout ?? 72_000;
      server.requestTimeout = o.requestTimeout ?? 0;
      server.setTimeout(o.connectionTimeout ?? 0);
      return server;
    },
  });
  app.addHook('preClose', (done) => {
    webhooks.close();
    done();
  });
  app.setValidatorCompiler(validatorCompiler);
  // responses are documented by their schemas but serialized as they are (no second validation on the hot path)
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandling(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: options.version,
        description: 'Omnichannel messaging hub: connections, contacts, conversations, messages and events.',
      },
      servers: [{ url: options.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // the schemas named with .meta({ id }) become components.schemas, which the routes' $refs point at
    transformObject: jsonSchemaTransformObject,
  });

  await webchatRoutes(app, hub, { mediaLimit: options.mediaLimit }); // webchat: visitor uploads share the media limit
  opsRoutes(app, hub, options.metricsText);
  mediaServeRoutes(app, hub);
  staticRoutes(app); // the built widget (/widget.js) and operator app (/app/)
  metaCallbackRoute(app, hub); // Connect with Meta: where Facebook sends the browser back

  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      const auth = bearerAuth(hub.deps.store);
      signInRoutes(api, hub, auth);
      await api.register(async (authed) => {
        authed.addHook('onRequest', auth);
        userRoutes(authed, hub, auth);
        workspaceRoutes(authed, hub);
        connectionRoutes(authed, hub);
        agentRoutes(authed, hub);
        templateRoutes(authed, hub);
        deadLetterRoutes(authed, hub);
        subscriptionRoutes(authed, hub);
        routingRoutes(authed, hub);
        teamRoutes(authed, hub);
        conversationRoutes(authed, hub);
        callRoutes(authed, hub);
        consentRoutes(authed, hub);
        await contactImportRoutes(authed, hub);
        campaignRoutes(authed, hub);
        contactRoutes(authed, hub);
        eventRoutes(authed, hub);
        await mediaUploadRoutes(authed, hub, options.mediaLimit);
        metaConnectRoutes(authed, hub);
      });
    },
    { prefix: '/api/v1' },
  );

  return app;
}
