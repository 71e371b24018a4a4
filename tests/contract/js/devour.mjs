// Drives the API with devour-client, a second real JavaScript JSON:API client, in its default
// configuration (a model must be defined: that is how devour is used), and prints what it understood.
// Usage: node devour.mjs BASE_URL OUT.json  (tests/contract/test_clients.py compares OUT.json with the API's own
// answers; a file, because devour logs each error response to standard output)
import { writeFileSync } from 'node:fs'
import JsonApi from 'devour-client'

const api = new JsonApi({ apiUrl: process.argv[2] })
const toOne = type => ({ jsonApi: 'hasOne', type })
for (const dimension of ['department', 'project', 'member']) {
  api.define(dimension, { name: '', totals: [], expanses: { jsonApi: 'hasMany', type: 'expanses' } })
}
api.define('expanse', {
  departments: '', project_name: '', amount: 0, currency: '', date: '', member_name: '',
  department: toOne('departments'), project: toOne('projects'), member: toOne('members')
})

const list = await api.findAll('expanse', {
  filter: { member_name: 'Sam', amount: { gte: '1400' } }, sort: '-amount', page: { size: 5 }
})

const walked = list.data.map(record => record.id)
let page = list
let pages = 1
while (page.links.next) {
  page = await api.request(page.links.next) // devour's call for a URL the API gave
  walked.push(...page.data.map(record => record.id))
  pages += 1
}

const one = await api.find('expanse', 3)

let error = null
try {
  await api.findAll('expanse', { filter: { amount: { gte: 'abc' } } })
} catch (failure) {
  error = failure
}

// A compound document: the member of the first record, resolved through its relationship, with its totals;
// then that member's records (devour builds /members/{id}/expanses itself), walked by links.next.
const withMember = await api.findAll('expanse', { include: 'member' })
const member = withMember.data[0].member
let related = await api.one('member', member.id).all('expanse').get()
const memberWalk = related.data.map(record => record.id)
while (related.links.next) {
  related = await api.request(related.links.next)
  memberWalk.push(...related.data.map(record => record.id))
}
const included = { member: { type: member.type, id: member.id, totals: member.totals }, memberWalk }

const plain = record => Object.fromEntries(Object.entries(record).filter(([key]) => !key.startsWith('_')))
writeFileSync(process.argv[3], JSON.stringify({
  firstPage: list.data.map(plain), count: list.meta.count, walked, pages, one: plain(one.data), error, included
}))
