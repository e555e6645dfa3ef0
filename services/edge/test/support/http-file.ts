import { randomUUID } from 'node:crypto';

// The `.http` request collection format as VS Code's REST Client reads it, the part docs/requests.http uses:
// requests separated by `###`, `# @name` to name one, `@variable = value` file variables (resolved when used),
// `{{name.response.body.$.json.path}}` to read an earlier answer, and the system variables `{{$guid}}`,
// `{{$timestamp}}` and `{{$datetime "YYYY" <offset> y}}`.

export interface HttpFileRequest {
  /** The `### …` line's text: what the request is for. */
  title: string;
  name?: string;
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body?: string;
}

export interface HttpFile {
  variables: Map<string, string>;
  requests: HttpFileRequest[];
}

const requestLine = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/;

export function parseHttpFile(text: string): HttpFile {
  const variables = new Map<string, string>();
  const requests: HttpFileRequest[] = [];
  for (const [blockIndex, block] of text.split(/^###/m).entries()) {
    const lines = block.split('\n');
    // The text before the first ### has no title line.
    const title = blockIndex === 0 ? '' : (lines.shift() ?? '').trim();
    let name: string | undefined;
    let index = 0;
    let request: HttpFileRequest | undefined;
    for (; index < lines.length; index++) {
      const line = (lines[index] as string).trimEnd();
      const variable = /^@([\w-]+)\s*=\s*(.*)$/.exec(line);
      const named = /^#\s*@name\s+(\w+)$/.exec(line);
      if (variable) variables.set(variable[1] as string, (variable[2] as string).trim());
      else if (named) name = named[1];
      else if (line === '' || line.startsWith('#') || line.startsWith('//')) continue;
      else {
        const start = requestLine.exec(line);
        if (!start) throw new Error(`not a request line: ${line}`);
        request = {
          title,
          method: start[1] as string,
          url: start[2] as string,
          headers: [],
          ...(name ? { name } : {}),
        };
        index++;
        break;
      }
    }
    if (!request) continue;
    for (; index < lines.length && (lines[index] as string).trim() !== ''; index++) {
      const header = /^([\w-]+):\s*(.*)$/.exec((lines[index] as string).trimEnd());
      if (!header) throw new Error(`${title}: not a header: ${lines[index]}`);
      request.headers.push([header[1] as string, header[2] as string]);
    }
    const body = lines
      .slice(index + 1)
      .join('\n')
      .trim();
    if (body) request.body = body;
    requests.push(request);
  }
  return { variables, requests };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** `$.items[0].id` on a parsed JSON body. */
function jsonPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`only JSONPath from $ is read: ${path}`);
  const steps = [...path.slice(1).matchAll(/\.([\w-]+)|\[(\d+)\]/g)].map((step) => step[1] ?? Number(step[2]));
  return steps.reduce<unknown>((inner, step) => (inner as Record<string | number, unknown> | undefined)?.[step], value);
}

/** Replaces every `{{…}}` with its value; a name that stands for nothing is an error, never an empty string. */
export function resolve(text: string, file: HttpFile, answers: Map<string, Answer>, now = new Date()): string {
  return text.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_whole, expression: string) => {
    if (expression === '$guid') return randomUUID();
    if (expression === '$timestamp') return String(Math.floor(now.getTime() / 1000));
    const datetime = /^\$datetime "YYYY" (-?\d+) y$/.exec(expression);
    if (datetime) return String(now.getUTCFullYear() + Number(datetime[1]));
    const variable = file.variables.get(expression);
    if (variable !== undefined) return resolve(variable, file, answers, now);
    const reference = /^(\w+)\.response\.(body|headers)\.(.+)$/.exec(expression);
    if (reference) {
      const answer = answers.get(reference[1] as string);
      if (!answer) throw new Error(`{{${expression}}}: no answer named ${reference[1]} yet`);
      const value =
        reference[2] === 'headers'
          ? answer.headers.get(reference[3] as string)
          : jsonPath(answer.body, reference[3] as string);
      if (value === undefined || value === null) throw new Error(`{{${expression}}}: nothing there`);
      return String(value);
    }
    throw new Error(`{{${expression}}} stands for nothing`);
  });
}
