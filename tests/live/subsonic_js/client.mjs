// Drives a Byeol server with the subsonic-api client, the way a player would.
// Usage: node client.mjs '<json config>'; prints one JSON report on stdout.
// Config: {url, username, password, apiKey, query, byteRange: [start, end]}.
import { SubsonicAPI } from "subsonic-api";

const config = JSON.parse(process.argv[2]);
const answers = []; // every JSON answer, for the Python side to check against the schemas

function recordingFetch(rangeHeader) {
  return async (url, init = {}) => {
    const method = new URL(url).pathname.split("/").pop().replace(/\.view$/, "");
    const headers = { ...(init.headers || {}) };
    if (method === "stream" && rangeHeader) headers.Range = rangeHeader;
    const response = await fetch(url, { ...init, headers });
    if ((response.headers.get("content-type") || "").startsWith("application/json")) {
      answers.push({ method, body: JSON.parse(await response.clone().text()) });
    }
    return response;
  };
}

async function session(auth) {
  const [start, end] = config.byteRange;
  const api = new SubsonicAPI({ url: config.url, auth, fetch: recordingFetch(`bytes=${start}-${end}`) });
  const ping = await api.ping();
  const artists = await api.getArtists();
  const artistEntries = artists.artists.index.flatMap((index) => index.artist);
  const artist = await api.getArtist({ id: artistEntries[0].id });
  const album = await api.getAlbum({ id: artist.artist.album[0].id });
  const song = await api.getSong({ id: album.album.song[0].id });
  const found = await api.search3({ query: config.query, songCount: 5 });
  const songId = found.searchResult3.song[0].id;
  const v1 = await api.getLyricsBySongId({ id: songId });
  const v2 = await api.getLyricsBySongId({ id: songId, enhanced: true });
  const streamed = await api.stream({ id: songId, format: "raw" });
  const bytes = Buffer.from(await streamed.arrayBuffer());
  const cover = await api.getCoverArt({ id: song.song.coverArt, size: 64 });
  const coverBytes = Buffer.from(await cover.arrayBuffer());
  const extensions = await api.getOpenSubsonicExtensions();
  return {
    status: ping.status,
    artists: artistEntries.map((entry) => entry.name),
    album: album.album.name,
    songs: album.album.song.map((entry) => entry.title),
    song: song.song.title,
    found: found.searchResult3.song.map((entry) => entry.title),
    songId,
    v1: v1.lyricsList.structuredLyrics,
    v2: v2.lyricsList.structuredLyrics,
    stream: { status: streamed.status, contentRange: streamed.headers.get("content-range"), base64: bytes.toString("base64") },
    cover: { status: cover.status, type: cover.headers.get("content-type"), bytes: coverBytes.length },
    extensions: extensions.openSubsonicExtensions.map((entry) => entry.name),
  };
}

const report = {
  token: await session({ username: config.username, password: config.password }),
  apiKey: await session({ apiKey: config.apiKey }),
  answers,
};
process.stdout.write(JSON.stringify(report));
