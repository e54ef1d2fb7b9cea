export { checkBinding, resetPassword, usersRoutes } from './users.routes.js';
