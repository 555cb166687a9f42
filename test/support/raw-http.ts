import { request as httpRequest } from 'node:http';

/** GET with the path sent byte for byte (fetch would normalise `..` and some escapes). */
export const rawGet = (baseUrl: string, path: string): Promise<{ status: number; body: string }> =>
  new Promise((done, fail) => {
    const req = httpRequest(`${baseUrl}/`, { path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
