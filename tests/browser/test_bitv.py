"""The page in German Sign Language in real Chromium: a recorded video and its WebVTT
captions load under the site's Content-Security-Policy, and the page passes axe-core."""

import base64
import time

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from releases.legal import ensure_legal_pages
from releases.models import SignLanguageVideo
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAPTIONS = (b"WEBVTT\n\n00:00.000 --> 00:01.000\nWillkommen auf dieser Website.\n\n"
            b"00:01.000 --> 00:02.000\nOben ist das Men\xc3\xbc.\n")

# A second of a canvas recorded by the browser itself: a real WebM, made without ffmpeg.
RECORD_WEBM = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 160; canvas.height = 90;
  const context = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(10), {mimeType: "video/webm"});
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start();
  for (let frame = 0; frame < 10; frame++) {
    context.fillStyle = frame % 2 ? "#0b5a3c" : "#ffdd00";
    context.fillRect(0, 0, 160, 90);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  recorder.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""


def wait_until(page, expression, seconds=10):
    """Poll ``expression`` from outside the page: wait_for_function would evaluate it in
    the page, which the site's policy (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true within {seconds} s: {expression}"
        time.sleep(0.1)


@pytest.fixture
def video(page):
    ensure_legal_pages()
    page.goto("about:blank")
    webm = base64.b64decode(page.evaluate(RECORD_WEBM))
    return SignLanguageVideo.objects.create(
        video=ContentFile(webm, name="gebaerden.webm"),
        captions=ContentFile(CAPTIONS, name="gebaerden.vtt"))


class TestSignLanguageVideo:
    def test_video_and_captions_load_under_the_site_s_policy(self, live_server, page, video):
        refused = []
        page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(live_server.url + reverse("releases:sign-language"))
        wait_until(page, "document.querySelector('video').readyState >= 1")
        # The captions track is loaded and shown (mode "showing" for the default track).
        wait_until(page, "(() => { const track = document.querySelector('video').textTracks[0];"
                         " return Boolean(track && track.cues && track.cues.length === 2); })()")
        assert page.evaluate("document.querySelector('video').textTracks[0].mode") == "showing"
        assert page.evaluate(
            "document.querySelector('video').textTracks[0].cues[0].text"
        ) == "Willkommen auf dieser Website."
        assert refused == []

    def test_page_with_video_has_no_axe_violations_and_fits_a_phone(
            self, live_server, page, phone_page, video):
        for browser_page in (page, phone_page):
            browser_page.goto(live_server.url + reverse("releases:sign-language"))
            assert axe_violations(browser_page) == []
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
