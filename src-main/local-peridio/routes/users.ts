// `GET /users/me`: the local server has one user, the owner of its one organization.
import type { FastifyInstance } from 'fastify';
import type { UserMe } from '../../peridio/index.js';
import type { ServerContext } from '../context.js';

export function registerUserRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/users/me', async () => {
    const data: UserMe = {
      email: 'local@peridio-desk.invalid',
      username: 'local',
      organization_prn: ctx.organizationPrn,
    };
    return { data };
  });
}
