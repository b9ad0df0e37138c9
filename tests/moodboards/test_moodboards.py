"""Moodboards through HTTP (PRODUCT_RULES §7): ordered items, palette from the images, one per
gig, public visibility, events."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.gigs.helpers import account, create_gig, events_of, published_gig
from tests.support import factories as f
from tests.support.api import assert_error
from tests.support.database import Database


def _board(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/moodboards", json={"title": "Warm tones"} | body, headers=headers)
    assert response.status_code == 201, response.text
    board: dict[str, Any] = response.json()
    return board


def test_ordered_items_and_a_palette_from_the_images(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    first = f.make_media(db, owner_user_id=owner.id, palette=["#AA0000", "#00aa00"])
    second = f.make_media(
        db, owner_user_id=owner.id, palette=["#00aa00", "#0000aa"], visibility="public"
    )
    items = [
        {"type": "note", "text": "Late summer, soft light"},
        {"type": "image", "media_id": str(first["id"]), "caption": "skin tones"},
        {"type": "url", "url": "https://images.example/ref.jpg"},
        {"type": "color", "hex": "#FFCC00"},
        {"type": "image", "media_id": str(second["id"])},
    ]
    board = _board(client, owner.headers, description="References", items=items)
    assert [i["type"] for i in board["items"]] == ["note", "image", "url", "color", "image"]
    assert [i["position"] for i in board["items"]] == [0, 1, 2, 3, 4]
    assert all(uuid.UUID(i["id"]) for i in board["items"])
    assert board["items"][3]["hex"] == "#ffcc00"
    # Image colours in item order, then swatches, without repeats.
    assert board["palette"] == ["#aa0000", "#00aa00", "#0000aa", "#ffcc00"]
    assert events_of(db, board["id"]) == ["moodboard.created"]
    # Reordering replaces the list; the palette follows.
    response = client.patch(
        f"/api/moodboards/{board['id']}",
        json={"items": [items[4], items[0]]},
        headers=owner.headers,
    )
    assert [i["type"] for i in response.json()["items"]] == ["image", "note"]
    assert response.json()["palette"] == ["#00aa00", "#0000aa"]
    assert "moodboard.updated" in events_of(db, board["id"])


@pytest.mark.parametrize(
    "item",
    [
        {"type": "color", "hex": "red"},
        {"type": "url", "url": "ftp://example.com/a.jpg"},
        {"type": "note", "text": ""},
        {"type": "video", "media_id": str(uuid.UUID(int=1))},
        {"type": "image"},
    ],
)
def test_malformed_items_are_422(client: TestClient, db: Database, item: dict[str, Any]) -> None:
    owner = account(db, role="contributor")
    response = client.post(
        "/api/moodboards", json={"title": "Board", "items": [item]}, headers=owner.headers
    )
    assert_error(response, 422, "validation_error")


def test_image_items_must_be_images_the_creator_may_use(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    stranger = f.make_user(db)
    private = f.make_media(db, owner_user_id=stranger["id"])
    video = f.make_media(db, owner_user_id=owner.id, type="video")
    for media_id in (private["id"], video["id"], uuid.uuid4()):
        error = assert_error(
            client.post(
                "/api/moodboards",
                json={"title": "Board", "items": [{"type": "image", "media_id": str(media_id)}]},
                headers=owner.headers,
            ),
            422,
            "invalid_media_item",
        )
        assert error["details"][0]["field"] == "items.0.media_id"


def test_only_contributors_create_moodboards(client: TestClient, db: Database) -> None:
    talent = account(db)
    assert_error(
        client.post("/api/moodboards", json={"title": "Mine"}, headers=talent.headers),
        403,
        "contributor_only",
    )
    assert_error(client.post("/api/moodboards", json={"title": "Mine"}), 401, "unauthorized")
    owner = account(db, role="contributor")
    assert_error(
        client.post("/api/moodboards", json={"title": " "}, headers=owner.headers),
        422,
        "validation_error",
    )


def test_a_gig_has_at_most_one_moodboard(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = create_gig(client, owner)
    board = _board(client, owner.headers, gig_id=gig["id"])
    assert board["gig_id"] == gig["id"]
    assert (
        client.get(f"/api/gigs/{gig['id']}", headers=owner.headers).json()["moodboard_id"]
        == board["id"]
    )
    assert_error(
        client.post(
            "/api/moodboards", json={"title": "Second", "gig_id": gig["id"]}, headers=owner.headers
        ),
        409,
        "gig_has_moodboard",
    )
    other = _board(client, owner.headers, title="Other")
    assert_error(
        client.patch(
            f"/api/moodboards/{other['id']}", json={"gig_id": gig["id"]}, headers=owner.headers
        ),
        409,
        "gig_has_moodboard",
    )
    # Detach, then the other board may take the gig.
    detached = client.patch(
        f"/api/moodboards/{board['id']}", json={"gig_id": None}, headers=owner.headers
    )
    assert detached.json()["gig_id"] is None
    assert (
        client.get(f"/api/gigs/{gig['id']}", headers=owner.headers).json()["moodboard_id"] is None
    )
    attached = client.patch(
        f"/api/moodboards/{other['id']}", json={"gig_id": gig["id"]}, headers=owner.headers
    )
    assert attached.status_code == 200, attached.text
    assert (
        client.get(f"/api/gigs/{gig['id']}", headers=owner.headers).json()["moodboard_id"]
        == other["id"]
    )
    assert sorted(events_of(db, board["id"])) == [
        "moodboard.attached",
        "moodboard.created",
        "moodboard.detached",
    ]


def test_boards_attach_only_to_own_gigs(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    other = account(db, role="contributor")
    theirs = published_gig(client, other)
    assert_error(
        client.post(
            "/api/moodboards",
            json={"title": "Board", "gig_id": theirs["id"]},
            headers=owner.headers,
        ),
        403,
        "not_gig_owner",
    )
    hidden = create_gig(client, other)
    assert_error(
        client.post(
            "/api/moodboards",
            json={"title": "Board", "gig_id": hidden["id"]},
            headers=owner.headers,
        ),
        404,
        "gig_not_found",
    )


def test_public_visibility(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    viewer = account(db)
    private = _board(client, owner.headers)
    public = _board(client, owner.headers, is_public=True)
    draft = create_gig(client, owner)
    on_draft = _board(client, owner.headers, is_public=True, gig_id=draft["id"])
    live = published_gig(client, owner)
    on_live = _board(client, owner.headers, is_public=True, gig_id=live["id"])
    assert client.get(f"/api/moodboards/{public['id']}").status_code == 200
    assert client.get(f"/api/moodboards/{on_live['id']}").status_code == 200
    assert client.get(f"/api/moodboards/{on_live['id']}", headers=viewer.headers).status_code == 200
    for hidden in (private, on_draft):
        assert_error(client.get(f"/api/moodboards/{hidden['id']}"), 404, "moodboard_not_found")
        assert_error(
            client.get(f"/api/moodboards/{hidden['id']}", headers=viewer.headers),
            404,
            "moodboard_not_found",
        )
        assert (
            client.get(f"/api/moodboards/{hidden['id']}", headers=owner.headers).status_code == 200
        )
    # Making a board private hides it again.
    client.patch(
        f"/api/moodboards/{public['id']}", json={"is_public": False}, headers=owner.headers
    )
    assert_error(client.get(f"/api/moodboards/{public['id']}"), 404, "moodboard_not_found")


def test_only_the_owner_changes_or_deletes(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    other = account(db, role="contributor")
    public = _board(client, owner.headers, is_public=True)
    url = f"/api/moodboards/{public['id']}"
    assert_error(
        client.patch(url, json={"title": "Mine now"}, headers=other.headers),
        403,
        "not_moodboard_owner",
    )
    assert_error(client.delete(url, headers=other.headers), 403, "not_moodboard_owner")
    assert_error(
        client.patch(url, json={"title": None}, headers=owner.headers), 422, "validation_error"
    )
    assert_error(
        client.patch(url, json={"owner_user_id": str(other.id)}, headers=owner.headers),
        422,
        "validation_error",
    )
    assert client.delete(url, headers=owner.headers).status_code == 204
    assert_error(client.get(url, headers=owner.headers), 404, "moodboard_not_found")
    assert "moodboard.deleted" in events_of(db, public["id"])


def test_deleting_an_attached_board_clears_the_gig(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gig = create_gig(client, owner)
    board = _board(client, owner.headers, gig_id=gig["id"])
    assert client.delete(f"/api/moodboards/{board['id']}", headers=owner.headers).status_code == 204
    assert (
        client.get(f"/api/gigs/{gig['id']}", headers=owner.headers).json()["moodboard_id"] is None
    )


def test_list_own_moodboards(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    other = account(db, role="contributor")
    made = [_board(client, owner.headers, title=f"Board {i}")["id"] for i in range(3)]
    _board(client, other.headers, is_public=True)
    page = client.get("/api/moodboards", params={"limit": 2}, headers=owner.headers).json()
    rest = client.get(
        "/api/moodboards", params={"cursor": page["next_cursor"]}, headers=owner.headers
    ).json()
    assert [b["id"] for b in page["items"] + rest["items"]] == list(reversed(made))
    assert rest["next_cursor"] is None
    assert_error(client.get("/api/moodboards"), 401, "unauthorized")


def test_a_cursor_of_another_list_is_refused(client: TestClient, db: Database) -> None:
    owner = account(db, role="contributor")
    gigs = [create_gig(client, owner, title=f"Shoot number {i}") for i in range(2)]
    gigs_page = client.get("/api/gigs/mine", params={"limit": 1}, headers=owner.headers).json()
    assert len(gigs) == 2 and gigs_page["next_cursor"] is not None
    # Same sort key shape (created_at, id), another list: refused, not misread.
    assert_error(
        client.get(
            "/api/moodboards", params={"cursor": gigs_page["next_cursor"]}, headers=owner.headers
        ),
        422,
        "invalid_cursor",
    )
