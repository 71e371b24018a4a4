// Drives the API with kitsu, a real JavaScript JSON:API client, and prints what it understood.
// Usage: node client.mjs BASE_URL  (tests/contract/test_clients.py compares the output with the API's own answers)
import Kitsu from 'kitsu'
import { deserialise } from 'kitsu-core'

const api = new Kitsu({ baseURL: process.argv[2] }) // everything else as kitsu sets it by default

const list = await api.get('expanses', {
  params: { filter: { member_name: 'Sam', amount: { gte: '1400' } }, sort: '-amount', page: { size: 5 } }
})

const walked = list.data.map(record => record.id)
let page = list
let pages = 1
while (page.links.next) {
  const response = await api.axios.get(page.links.next, { headers: api.headers })
  page = deserialise(response.data)
  walked.push(...page.data.map(record => record.id))
  pages += 1
}

const one = await api.get('expanses/3')

let error = null
try {
  await api.get('expanses', { params: { filter: { amount: { gte: 'abc' } } } })
} catch (failure) {
  error = { status: failure.response?.status, errors: failure.errors }
}

// A compound document: the member of the first record, resolved through its relationship, with its totals;
// then that member's records, from the link the server gave, walked by links.next.
const withMember = await api.get('expanses', { params: { include: 'member' } })
const member = withMember.data[0].member.data
let related = await api.request({ url: member.expanses.links.related })
const memberWalk = related.data.map(record => record.id)
while (related.links.next) {
  related = await api.request({ url: related.links.next })
  memberWalk.push(...related.data.map(record => record.id))
}
const included = { member: { type: member.type, id: member.id, totals: member.totals }, memberWalk }

console.log(JSON.stringify({ firstPage: list.data, count: list.meta.count, walked, pages, one: one.data, error, included }))
