// Drives the API with jsona, a third real JavaScript JSON:API client (a formatter: it does no HTTP, so
// Node's fetch brings the documents), in its default configuration, and prints what it understood.
// Usage: node jsona.mjs BASE_URL  (tests/contract/test_clients.py compares the output with its own answers)
import Jsona from 'jsona'

const base = process.argv[2]
const jsona = new Jsona() // everything else as jsona sets it by default
const get = async url => (await fetch(url, { headers: { Accept: 'application/vnd.api+json' } })).json()

// The member of the first record, resolved through its relationship, with its totals.
const body = await get(`${base}/expanses?include=member`)
const member = jsona.deserialize(body)[0].member

// That member's records, walked by links.next. jsona drops a relationship's links, so the first
// URL is the member's own link, read from the raw document as a jsona user does.
const raw = body.included.find(resource => resource.type === member.type && resource.id === member.id)
let url = raw.relationships.expanses.links.related
const memberWalk = []
while (url) {
  const page = await get(url)
  memberWalk.push(...jsona.deserialize(page).map(record => record.id))
  url = page.links.next
}

console.log(JSON.stringify({ included: { member: { type: member.type, id: member.id, totals: member.totals }, memberWalk } }))
