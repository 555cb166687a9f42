/**
 * Files `npm start` keeps in its data directory for the local commands that run beside it
 * (`npm run reconcile`), so they find the DynamoDB Local it started on a free port.
 */
export const LOCAL_ENDPOINT_FILE = 'dynamodb-endpoint';
