"""Names vulture cannot see being used (``vulture app tests/vulture_whitelist.py --min-confidence 60``).

Only the kinds named below belong here; anything else vulture reports is dead code, to be removed.
"""

# ruff: noqa

# 1. Overrides the frameworks call: Qt events and models, reportlab flowables, HTMLParser, Jinja2, io.
_.readable  # unused method (app/bundle/safezip.py:121)
_.seekable  # unused method (app/bundle/streaming.py:271)
_.writable  # unused method (app/bundle/streaming.py:274)
availWidth  # unused variable (app/documents/pdf_rows.py:77)
availWidth  # unused variable (app/documents/pdf_rows.py:86)
_.draw  # unused method (app/documents/pdf_rows.py:123)
_.draw  # unused method (app/documents/pdf_rows.py:186)
_.afterFlowable  # unused method (app/documents/pdf_writer.py:163)
_.load_bytecode  # unused method (app/documents/template.py:89)
_.dump_bytecode  # unused method (app/documents/template.py:94)
_.headerData  # unused method (app/gui/models/domains.py:174)
_.headerData  # unused method (app/gui/models/identities.py:48)
_.headerData  # unused method (app/gui/models/items.py:91)
_.headerData  # unused method (app/gui/models/paragraphs.py:89)
_.headerData  # unused method (app/gui/models/redactions.py:67)
_.loadResource  # unused method (app/gui/widgets/message_view.py:32)
_.mousePressEvent  # unused method (app/gui/widgets/region_overlay.py:84)
_.mouseMoveEvent  # unused method (app/gui/widgets/region_overlay.py:91)
_.mouseReleaseEvent  # unused method (app/gui/widgets/region_overlay.py:95)
_.paintEvent  # unused method (app/gui/widgets/region_overlay.py:118)
_.dragMoveEvent  # unused method (app/gui/window.py:343)
_.dropEvent  # unused method (app/gui/window.py:346)
_.handle_starttag  # unused method (app/sources/html_safe.py:48)
_.handle_endtag  # unused method (app/sources/html_safe.py:58)
_.handle_data  # unused method (app/sources/html_safe.py:62)
_.handle_starttag  # unused method (app/sources/links.py:154)
_.handle_endtag  # unused method (app/sources/links.py:171)
_.handle_data  # unused method (app/sources/links.py:179)
_.interceptRequest  # QtWebEngine's (app/capture/browser/page.py)
_.createWindow
_.acceptNavigationRequest
_.javaScriptConsoleMessage
__getattr__  # a package's lazy names (PEP 562; app/bundle/__init__.py)
_.do_GET  # http.server's (app/selftest.py)
_.log_message

# 2. Result fields read by whoever holds the result (tests, scripts, the next issue's report).
tagmanifest_sha256  # unused variable (app/bundle/bag.py:73)
payload_digests  # unused variable (app/bundle/bag.py:74)
authority_not_valid_after  # unused variable (app/bundle/timestamp.py:72)
bar_number  # counsel's, printed by the letters and the order (issue 14)
firm
phone
for_party
remedy  # what the order asks of each registry: issue 14's order and issue 17's compliance watch read it
sinkhole_nameservers
failed_step  # the capture record's fields, written whole to capture.json (app/capture/record.py)
server_ip
server_port
finished_at
server_clock_offset_seconds
requests

# 3. Small public helpers the tests and benchmarks use to look inside (a page's state, a stream's hashes).
_.problem_paths  # unused method (app/bundle/report.py:129)
_.hash_stream  # unused method (app/bundle/streaming.py:193)
hash_blocks  # unused function (app/core/hashing.py:55)
CallbackReporter  # unused class (app/core/reporting.py:48)
split_exhibit  # unused function (app/documents/pdf_parts.py:74)
_.select_row  # unused method (app/gui/pages/screenshots.py:172)
_.shown_file  # unused property (app/gui/widgets/document_preview.py:96)
_.shown_key  # unused property (app/gui/widgets/document_preview.py:101)
_.is_rendering  # unused method (app/gui/widgets/document_preview.py:140)
exhibit_domains  # unused function (app/ops/linking.py:86)
try_normalise  # unused function (app/sources/domains.py:73)
_.count_objects  # unused method (app/store/objects.py:92)
registry_directions_text  # each registry's directions as printed: tests check they name only its own domains
order_problems  # every order check at once: the pre-filing review (issue 13) runs it when the branches merge

# References held only to keep an object alive (a Qt object that must outlive the page it serves).
_._guard  # app/capture/browser/session.py

# Attributes set on library objects (python-docx, reportlab, zipfile, pikepdf, Qt) that the library reads.
_.external_attr  # zipfile.ZipInfo's (bundle, DOCX and WACZ writers)
_.compress_type
_.create_system  # unused attribute (app/bundle/zipwriter.py:46)
_.page_width  # unused attribute (app/documents/docx_writer.py:91)
_.page_height  # unused attribute (app/documents/docx_writer.py:92)
_.top_margin  # unused attribute (app/documents/docx_writer.py:93)
_.bottom_margin  # unused attribute (app/documents/docx_writer.py:94)
_.left_margin  # unused attribute (app/documents/docx_writer.py:95)
_.right_margin  # unused attribute (app/documents/docx_writer.py:96)
_.header_distance  # unused attribute (app/documents/docx_writer.py:97)
_.footer_distance  # unused attribute (app/documents/docx_writer.py:98)
_.is_linked_to_previous  # unused attribute (app/documents/docx_writer.py:100)
_.is_linked_to_previous  # unused attribute (app/documents/docx_writer.py:105)
_.autofit  # unused attribute (app/documents/docx_writer.py:130)
_.left_indent  # unused attribute (app/documents/docx_writer.py:162)
_.line_spacing  # unused attribute (app/documents/docx_writer.py:171)
_.alignment  # unused attribute (app/documents/docx_writer.py:242)
_.alignment  # unused attribute (app/documents/docx_writer.py:243)
_.line_spacing  # unused attribute (app/documents/docx_writer.py:288)
_.space_after  # unused attribute (app/documents/docx_writer.py:289)
_.val  # unused attribute (app/documents/docx_writer.py:352)
_.val  # unused attribute (app/documents/docx_writer.py:353)
_.alignment  # unused attribute (app/documents/docx_writer.py:354)
_.page_break_before  # a page break as the next paragraph's property (docx_writer._Writer.para)
_.alignment  # unused attribute (app/documents/docx_writer.py:360)
_.first_line_indent  # unused attribute (app/documents/docx_writer.py:362)
_.alignment  # unused attribute (app/documents/docx_writer.py:375)
_.space_after  # unused attribute (app/documents/docx_writer.py:376)
_.modified  # unused attribute (app/documents/docx_zip.py:33)
_.last_printed  # unused attribute (app/documents/docx_zip.py:34)
_.revision  # unused attribute (app/documents/docx_zip.py:35)
_.last_modified_by  # unused attribute (app/documents/docx_zip.py:39)
_.comments  # unused attribute (app/documents/docx_zip.py:40)
_.keywords  # unused attribute (app/documents/docx_zip.py:41)
_.create_system  # unused attribute (app/documents/docx_zip.py:59)
_.create_system  # unused attribute (app/documents/docx_zip.py:100)
_.hAlign  # unused attribute (app/documents/exhibits.py:175)
_.hAlign  # unused attribute (app/documents/exhibits.py:202)
_.rgb  # unused attribute (app/documents/make_reference_docx.py:68)
_.base_style  # unused attribute (app/documents/make_reference_docx.py:77)
_.quick_style  # unused attribute (app/documents/make_reference_docx.py:78)
_.space_before  # unused attribute (app/documents/make_reference_docx.py:90)
_.space_after  # unused attribute (app/documents/make_reference_docx.py:91)
_.line_spacing_rule  # unused attribute (app/documents/make_reference_docx.py:92)
_.line_spacing  # unused attribute (app/documents/make_reference_docx.py:97)
_.first_line_indent  # unused attribute (app/documents/make_reference_docx.py:98)
_.alignment  # unused attribute (app/documents/make_reference_docx.py:99)
_.space_after  # unused attribute (app/documents/make_reference_docx.py:100)
_.alignment  # unused attribute (app/documents/make_reference_docx.py:104)
_.space_after  # unused attribute (app/documents/make_reference_docx.py:105)
_.alignment  # unused attribute (app/documents/make_reference_docx.py:112)
_.space_before  # unused attribute (app/documents/make_reference_docx.py:113)
_.space_after  # unused attribute (app/documents/make_reference_docx.py:114)
_.contextual_spacing  # unused attribute (app/documents/make_reference_docx.py:115)
_.space_before  # unused attribute (app/documents/make_reference_docx.py:121)
_.space_after  # unused attribute (app/documents/make_reference_docx.py:122)
_.alignment  # unused attribute (app/documents/make_reference_docx.py:124)
_.alignment  # unused attribute (app/documents/make_reference_docx.py:128)
_.left_indent  # unused attribute (app/documents/make_reference_docx.py:135)
_.space_after  # unused attribute (app/documents/make_reference_docx.py:140)
_.rgb  # unused attribute (app/documents/make_reference_docx.py:148)
_.alignment  # unused attribute (app/documents/make_reference_docx.py:149)
_.alignment  # unused attribute (app/documents/make_reference_docx.py:153)
_.docinfo  # unused attribute (app/documents/pdf_parts.py:41)
_.highlight_color  # python-docx property set to draw the conspicuous marker (app/documents/docx_writer.py)
_.StartElementHandler  # unused attribute (app/documents/template.py:186)
_.EndElementHandler  # unused attribute (app/documents/template.py:187)
_.CharacterDataHandler  # unused attribute (app/documents/template.py:188)
_._overlay  # unused attribute (app/gui/commands/capture.py:37)
_._overlay  # unused attribute (app/gui/commands/capture.py:82)
_._overlay  # unused attribute (app/gui/commands/capture.py:88)
_._overlay  # unused attribute (app/gui/commands/capture.py:93)
_.last_result  # unused attribute (app/gui/commands/export.py:41)
_.last_result  # unused attribute (app/gui/commands/export.py:65)
_.remedy  # CaseInfo field set by `evbundle details`; read by the order (issue 14) and compliance (issue 17)
_.sinkhole_nameservers  # CaseInfo field set by `evbundle details`; read by the order and compliance (14, 17)
PROFILE_FILE  # the shipped BagIt Profile's name in resources/: for readers' tools, packaging and the tests (app/bundle/profile.py)
_.async_request_tsa_response  # pyHanko's TimeStamper hook, called by pyHanko (app/bundle/pdf_signing.py)
