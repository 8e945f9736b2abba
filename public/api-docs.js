// Renders /api/v1/openapi.json as a readable page: one section per resource, each operation
// with its parameters, the fields it accepts and the answers it gives. Plain DOM, no library.
'use strict';

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  }
  return node;
}

function schemaOf(doc, schema) {
  const ref = schema && schema.$ref;
  return ref ? doc.components.schemas[ref.split('/').pop()] : schema;
}

function typeName(schema) {
  if (!schema) return '';
  if (schema.$ref) return schema.$ref.split('/').pop();
  if (Array.isArray(schema.type)) return schema.type.filter((t) => t !== 'null').join(' | ');
  if (schema.type === 'array') return `array of ${typeName(schema.items)}`;
  if (schema.oneOf) return schema.oneOf.map(typeName).filter((t) => t !== 'null').join(' | ');
  return schema.format ? `${schema.type} (${schema.format})` : schema.type || '';
}

function fieldsTable(doc, schema) {
  const resolved = schemaOf(doc, schema);
  if (!resolved || !resolved.properties) return null;
  const rows = Object.entries(resolved.properties).map(([name, prop]) =>
    el('tr', {}, el('td', {}, el('code', {}, name)), el('td', {}, typeName(prop)),
      el('td', {}, prop.description || '')));
  return el('table', { class: 'api-fields' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Field'), el('th', {}, 'Type'), el('th', {}, 'Meaning'))),
    el('tbody', {}, ...rows));
}

function operation(doc, path, method, op) {
  const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
  const section = el('section', { class: 'api-operation', id },
    el('h3', {}, el('span', { class: `api-method api-${method}` }, method.toUpperCase()), ' ',
      el('code', {}, path)));
  if (op.description || op.summary) section.append(el('p', {}, op.description || op.summary));
  const params = (op.parameters || []).map((p) =>
    el('li', {}, el('code', {}, p.name), ` (${p.in}${p.required ? ', required' : ''}) `,
      p.description || ''));
  if (params.length) section.append(el('h4', {}, 'Parameters'), el('ul', {}, ...params));
  const body = op.requestBody && op.requestBody.content['application/json'];
  if (body) {
    section.append(el('h4', {}, `Body: ${typeName(body.schema)}`));
    const table = fieldsTable(doc, body.schema);
    if (table) section.append(table);
  }
  const answers = Object.entries(op.responses || {}).map(([status, answer]) => {
    const content = answer.content && Object.values(answer.content)[0];
    const type = content && content.schema ? ` — ${typeName(content.schema)}` : '';
    return el('li', {}, el('code', {}, status), ` ${answer.description || ''}${type}`);
  });
  section.append(el('h4', {}, 'Answers'), el('ul', {}, ...answers));
  return section;
}

function render(doc) {
  const byTag = new Map((doc.tags || []).map((t) => [t.name, []]));
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      const tag = (op.tags || ['other'])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op]);
    }
  }
  const nav = document.getElementById('api-tags');
  const target = document.getElementById('api-operations');
  target.replaceChildren();
  for (const [tag, ops] of byTag) {
    if (!ops.length) continue;
    nav.append(el('a', { href: `#tag-${tag}` }, tag), ' ');
    const group = el('section', { class: 'api-tag', id: `tag-${tag}` }, el('h2', {}, tag));
    for (const [path, method, op] of ops) group.append(operation(doc, path, method, op));
    target.append(group);
  }
  target.setAttribute('data-operations', String(target.querySelectorAll('.api-operation').length));
}

fetch('/api/v1/openapi.json', { credentials: 'same-origin' })
  .then((answer) => {
    if (!answer.ok) throw new Error(`the API description answered ${answer.status}`);
    return answer.json();
  })
  .then(render)
  .catch((error) => {
    document.getElementById('api-operations').replaceChildren(
      el('p', { class: 'error' }, `Could not load the API description: ${error.message}. Sign in and reload.`));
  });
