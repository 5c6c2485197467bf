"""All user-facing text, Vietnamese first and English complete, and Vietnamese number/date formats.

``t(key, lang, **values)`` looks a text up and fills it in. A test fails when a
key lacks either language.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

# key: (Vietnamese, English)
CATALOGUE: dict[str, tuple[str, str]] = {
    # app
    "app.title": ("Tiến độ số hóa sổ hộ tịch", "Civil-status book digitization progress"),
    "app.subtitle": ("Theo dõi tiến độ số hóa sổ hộ tịch theo từng xã", "Daily digitization progress by commune"),
    "app.demo_banner": ("DỮ LIỆU MẪU — số liệu minh họa, không phải số liệu thật",
                        "DEMO DATA — illustrative figures, not real data"),
    "app.demo_loaded": ("Cơ sở dữ liệu trống: đã nạp dữ liệu mẫu để xem thử. Tải tệp lên để thay bằng số liệu thật.",
                        "The database was empty: demo data has been loaded. Upload files to replace it with real figures."),
    "app.no_data": ("Chưa có số liệu báo cáo. Hãy tải tệp báo cáo lên ở trang Tải lên.",
                    "No reports yet. Upload a report file on the Upload page."),
    "app.error": ("Đã xảy ra lỗi: {message}", "An error occurred: {message}"),
    "nav.overview": ("Tổng quan", "Overview"),
    "nav.upload": ("Tải lên", "Upload"),
    "nav.underperformers": ("Đơn vị chậm tiến độ", "Underperformers"),
    "sidebar.province": ("Tỉnh/thành phố", "Province"),
    "sidebar.as_of": ("Số liệu đến ngày", "As of"),
    "sidebar.language": ("Ngôn ngữ", "Language"),
    "sidebar.campaign": ("{name}: {start} – {deadline}", "{name}: {start} – {deadline}"),
    # overview
    "overview.title": ("Tổng quan tiến độ", "Progress overview"),
    "kpi.completion": ("Tỷ lệ hoàn thành", "Completion"),
    "kpi.completion_help": ("Tổng số sổ đã số hóa / tổng số sổ của các xã đã báo cáo",
                            "Books digitized / books in total, over the communes that reported"),
    "kpi.books": ("Sổ đã số hóa / tổng số", "Books digitized / total"),
    "kpi.planned": ("Kế hoạch đến ngày", "Planned by today"),
    "kpi.days_left": ("Số ngày còn lại", "Days left"),
    "kpi.days_left_value": ("{days} ngày", "{days} days"),
    "kpi.overdue": ("Quá hạn {days} ngày", "{days} days overdue"),
    "kpi.required": ("Cần đạt mỗi ngày", "Needed per day"),
    "kpi.recent": ("Tốc độ 7 ngày qua", "Pace, last 7 days"),
    "kpi.per_day": ("{value} sổ/ngày", "{value} books/day"),
    "kpi.projected": ("Dự kiến hoàn thành", "Projected finish"),
    "kpi.projected_none": ("Chưa dự báo được", "Cannot be projected"),
    "kpi.projected_early": ("Sớm {days} ngày so với hạn", "{days} days before the deadline"),
    "kpi.projected_late": ("Trễ {days} ngày so với hạn", "{days} days after the deadline"),
    "kpi.projected_ontime": ("Đúng hạn", "On the deadline"),
    "kpi.reporting": ("Xã báo cáo hôm nay", "Communes reporting today"),
    "kpi.reporting_value": ("{done}/{total}", "{done}/{total}"),
    "kpi.behind": ("Xã chậm tiến độ", "Communes behind plan"),
    "kpi.not_reporting": ("Xã không báo cáo", "Communes not reporting"),
    "kpi.completed": ("Xã đã hoàn thành", "Communes completed"),
    "overview.trend": ("Tiến độ toàn tỉnh so với kế hoạch", "Province progress against plan"),
    "overview.by_district": ("Tỷ lệ hoàn thành theo huyện", "Completion by district"),
    "overview.deadline_passed": ("Đã quá hạn chót {deadline}.", "The deadline {deadline} has passed."),
    # charts
    "chart.actual": ("Thực tế", "Actual"),
    "chart.planned": ("Kế hoạch", "Plan"),
    "chart.goal": ("Mục tiêu 100 %", "Goal 100 %"),
    "chart.deadline": ("Hạn chót", "Deadline"),
    "chart.projection": ("Dự báo theo tốc độ hiện tại", "Projection at current pace"),
    "chart.completion_axis": ("Tỷ lệ hoàn thành (%)", "Completion (%)"),
    "chart.date_axis": ("Ngày", "Date"),
    "chart.district_axis": ("Huyện", "District"),
    "chart.planned_marker": ("Kế hoạch đến ngày", "Planned by today"),
    "chart.per_day": ("Sổ số hóa trong ngày", "Books digitized per day"),
    "chart.avg7": ("Trung bình 7 ngày", "7-day average"),
    "chart.books_axis": ("Số sổ", "Books"),
    "chart.as_of": ("Số liệu đến {date}", "Data as of {date}"),
    # status
    "status.done": ("Đã hoàn thành", "Completed"),
    "status.on_track": ("Đúng/vượt kế hoạch", "On or ahead of plan"),
    "status.slightly_behind": ("Chậm ≤ {amber} điểm", "Behind by ≤ {amber} points"),
    "status.behind": ("Chậm > {amber} điểm", "Behind by > {amber} points"),
    "status.no_data": ("Chưa báo cáo", "No report"),
    # chart images and the daily brief (issue 6)
    "image.source": ("Nguồn: báo cáo tiến độ của UBND các xã, phường, thị trấn (ứng dụng Số hóa hộ tịch)",
                     "Source: progress reports of the communes (civil-status digitization dashboard)"),
    "image.source_demo": ("Nguồn: DỮ LIỆU MẪU, số liệu minh họa, không phải số liệu thật",
                          "Source: DEMO DATA, illustrative figures, not real data"),
    "image.footer": ("{source} · Lập lúc {made}", "{source} · Made {made}"),
    "image.demo_mark": ("DỮ LIỆU MẪU", "DEMO DATA"),
    "image.download_png": ("Tải ảnh PNG", "Download PNG"),
    "image.download_help": ("Ảnh PNG 2000 px có tiêu đề, ngày số liệu, địa bàn, chú giải và nguồn",
                            "A 2000 px PNG with title, as-of date, area, legend and source"),
    "image.no_renderer": ("Máy chủ chưa có trình duyệt Chromium để tạo ảnh/PDF. Chạy scripts/setup.sh "
                          "(cài gói chromium) rồi khởi động lại. Vẫn có thể tải ảnh bằng nút máy ảnh trên biểu đồ.",
                          "The server has no Chromium browser to make images/PDF. Run scripts/setup.sh "
                          "(installs the chromium package) and restart. The chart's camera button still works."),
    "image.render_failed": ("Không tạo được ảnh ({detail}). Hãy thử lại; nếu vẫn lỗi, kiểm tra gói chromium.",
                            "The image could not be made ({detail}). Try again; if it persists, check chromium."),
    "brief.button": ("Báo cáo nhanh", "Daily brief"),
    "brief.help": ("Báo cáo một trang của ngày: số liệu chính, tiến độ, xếp hạng huyện và 10 xã chậm nhất",
                   "A one-page brief of the day: headline figures, progress, district ranking, ten worst communes"),
    "brief.png": ("Ảnh cho điện thoại (PNG)", "Image for phones (PNG)"),
    "brief.pdf": ("Bản in A4 (PDF)", "A4 for the record (PDF)"),
    "brief.title": ("BÁO CÁO NHANH TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH", "DAILY BRIEF: CIVIL-STATUS BOOK DIGITIZATION"),
    "brief.countdown": ("Còn {days} ngày đến hạn chót {deadline}", "{days} days to the deadline {deadline}"),
    "brief.overdue": ("Đã quá hạn chót {deadline} {days} ngày", "{days} days past the deadline {deadline}"),
    "brief.worst": ("10 xã chậm tiến độ nhất", "The ten communes furthest behind"),
    "brief.worst_none": ("Không có xã nào chậm tiến độ.", "No commune is behind."),
    "brief.more": ("… và {count} xã khác chậm tiến độ (xem danh sách đầy đủ trên ứng dụng)",
                   "… and {count} more communes behind (see the full list in the dashboard)"),
    "brief.written": ("Đã ghi báo cáo nhanh: {file} ({size} KB, {seconds} giây)",
                      "Brief written: {file} ({size} KB, {seconds} s)"),
    "brief.bad_out": ("Tệp đầu ra phải có đuôi .png hoặc .pdf: {file}", "The output file must end in .png or .pdf: {file}"),
    # underperformers
    "under.title": ("Đơn vị chậm tiến độ", "Underperforming communes"),
    "under.intro": ("Các xã chậm so với kế hoạch hoặc không báo cáo trong {window} ngày gần nhất, tính đến {date}.",
                    "Communes behind plan or without a report in the last {window} days, as of {date}."),
    "under.none": ("Không có xã nào chậm tiến độ.", "No commune is behind."),
    "under.count": ("{count} xã", "{count} communes"),
    "under.download_csv": ("Tải danh sách (CSV)", "Download the list (CSV)"),
    "reason.behind_schedule": ("Chậm so với kế hoạch", "Behind plan"),
    "reason.not_reporting": ("Không báo cáo", "Not reporting"),
    "reason.behind_points": ("chậm {points} điểm so với kế hoạch", "{points} points behind plan"),
    "reason.no_report_days": ("không báo cáo {days} ngày", "no report for {days} days"),
    "reason.never": ("chưa từng báo cáo", "never reported"),
    "col.rank": ("STT", "No."),
    "col.commune_code": ("Mã xã", "Commune code"),
    "col.commune": ("Xã/phường/thị trấn", "Commune"),
    "col.district": ("Huyện", "District"),
    "col.completion": ("Hoàn thành (%)", "Completion (%)"),
    "col.planned": ("Kế hoạch (%)", "Planned (%)"),
    "col.gap": ("Chênh lệch (điểm)", "Gap (points)"),
    "col.last_report": ("Báo cáo gần nhất", "Last report"),
    "col.reasons": ("Lý do", "Reasons"),
    "col.books_total": ("Tổng số sổ", "Books in total"),
    "col.books_digitized": ("Số sổ đã số hóa", "Books digitized"),
    "col.status": ("Tình trạng", "Status"),
    "col.row": ("Dòng", "Row"),
    "col.column": ("Cột", "Column"),
    "col.value": ("Giá trị", "Value"),
    "col.problem": ("Lỗi", "Problem"),
    "col.fix": ("Cách sửa", "How to fix"),
    "col.report_date": ("Ngày báo cáo", "Report date"),
    "col.records_digitized": ("Số trường hợp đã số hóa", "Records digitized"),
    "col.upload_id": ("Số", "No."),
    "col.uploaded_at": ("Thời gian", "Time"),
    "col.user": ("Người tải", "By"),
    "col.file": ("Tệp", "File"),
    "col.sha256": ("Mã băm (SHA-256)", "Hash (SHA-256)"),
    "col.rows": ("Số dòng", "Rows"),
    "col.outcome": ("Kết quả", "Outcome"),
    "outcome.loaded": ("Đã nạp", "Loaded"),
    "outcome.rejected": ("Bị từ chối", "Rejected"),
    "outcome.withdrawn": ("Đã rút", "Withdrawn"),
    # upload
    "upload.title": ("Tải lên số liệu báo cáo", "Upload report figures"),
    "upload.help": ("Tệp CSV hoặc Excel (.xlsx), mỗi dòng một xã, theo mẫu.",
                    "A CSV or Excel (.xlsx) file, one row per commune, as in the template."),
    "upload.file": ("Chọn tệp báo cáo", "Choose report files"),
    "upload.date": ("Ngày báo cáo (khi tệp không có cột ngày)", "Report date (when the file has no date column)"),
    "upload.use_date": ("Tệp không có cột ngày: dùng ngày dưới đây", "The file has no date column: use this date"),
    "upload.check": ("Kiểm tra", "Check"),
    "upload.confirm": ("Xác nhận nạp số liệu", "Confirm and load"),
    "upload.confirm_warnings": ("Tôi đã xem các cảnh báo và vẫn muốn nạp", "I have read the warnings and still want to load"),
    "upload.ok": ("Đã nạp {rows} dòng ({communes} xã) từ tệp {file}, ngày {dates}.",
                  "Loaded {rows} rows ({communes} communes) from {file}, dates {dates}."),
    "upload.unchanged": ("Tệp {file} đã được nạp trước đây (lần tải lên số {upload_id}): không có gì thay đổi.",
                         "{file} was loaded before (upload {upload_id}): nothing changed."),
    "upload.rejected": ("Tệp {file} bị từ chối: {count} lỗi. Không có số liệu nào được ghi.",
                        "{file} was rejected: {count} errors. Nothing was written."),
    "upload.warnings": ("{count} cảnh báo", "{count} warnings"),
    "upload.preview": ("Xem trước số liệu sẽ nạp", "Preview of what will be loaded"),
    "upload.summary": ("{rows} dòng, {communes} xã, ngày {dates}: {new} báo cáo mới, {replaced} báo cáo thay thế.",
                       "{rows} rows, {communes} communes, dates {dates}: {new} new reports, {replaced} replaced."),
    "upload.recognized": ("Đã nhận dạng: trang tính {sheet}, dòng tiêu đề {header_row}, cột: {columns}.",
                          "Recognized: sheet {sheet}, header row {header_row}, columns: {columns}."),
    "upload.templates": ("Tải mẫu báo cáo", "Download a template"),
    "upload.template_csv": ("Mẫu CSV", "CSV template"),
    "upload.template_xlsx": ("Mẫu Excel", "Excel template"),
    "upload.history": ("Lịch sử tải lên", "Upload history"),
    "upload.errors_table": ("Danh sách lỗi", "Errors"),
    # problems found in files
    "ingest.rejected": ("Tệp {file} bị từ chối ({count} lỗi)", "File {file} rejected ({count} problems)"),
    "read.empty": ("Tệp trống, không có dòng số liệu nào", "The file is empty: no data rows"),
    "read.no_rows": ("Tệp không có dòng số liệu nào dưới dòng tiêu đề", "No data rows under the header"),
    "read.not_table": ("Tệp không phải bảng số liệu (có thể là ảnh hoặc tệp nhị phân đổi tên)",
                       "The file is not a table (perhaps an image or binary file renamed)"),
    "read.bad_csv": ("Không đọc được tệp CSV ({detail})", "The CSV file cannot be read ({detail})"),
    "read.bad_excel": ("Không đọc được tệp Excel ({detail})", "The Excel file cannot be read ({detail})"),
    "read.no_sheet": ("Không có trang tính {sheet} (có: {sheets})", "No sheet {sheet} (there are: {sheets})"),
    "read.xls_unsupported": ("Tệp .xls đời cũ chưa đọc được", "Legacy .xls files cannot be read yet"),
    "read.too_large": ("Tệp quá lớn ({size_mb} MB, tối đa {limit_mb} MB)",
                       "The file is too large ({size_mb} MB, at most {limit_mb} MB)"),
    "check.missing_column": ("Thiếu cột bắt buộc: {missing}", "Required column missing: {missing}"),
    "check.date_missing": ("Không có ngày báo cáo", "No report date"),
    "check.date_differs": ("Ngày trong tệp khác ngày đã chọn ({given})",
                           "The date in the file differs from the date given ({given})"),
    "check.no_commune": ("Dòng không có mã xã hay tên xã", "The row has neither a commune code nor a name"),
    "check.unknown_commune": ("Không tìm thấy xã này trong danh mục. Gần giống: {candidates}",
                              "No such commune in the unit list. Closest: {candidates}"),
    "check.ambiguous_commune": ("Tên xã trùng với nhiều đơn vị: {candidates}",
                                "The name matches several communes: {candidates}"),
    "check.name_mismatch_commune": ("Mã xã và tên xã không khớp nhau; theo danh mục mã này là {candidates}",
                                    "The code and the name disagree; the unit list gives this code to {candidates}"),
    "check.unknown_district": ("Không tìm thấy huyện này. Gần giống: {candidates}",
                               "No such district. Closest: {candidates}"),
    "check.ambiguous_district": ("Tên huyện trùng với nhiều đơn vị: {candidates}",
                                 "The district name matches several districts: {candidates}"),
    "check.total_missing": ("Thiếu tổng số sổ và danh mục chưa có chỉ tiêu của xã này",
                            "Books in total missing and the unit list has no target for this commune"),
    "check.digitized_missing": ("Thiếu số sổ đã số hóa", "Books digitized missing"),
    "check.over_total": ("Số sổ đã số hóa lớn hơn tổng số sổ ({total})",
                         "Books digitized exceed books in total ({total})"),
    "check.duplicate": ("Xã này đã có ở dòng {first_row} cùng ngày với số liệu khác",
                        "This commune already appears on row {first_row} for the same date with other figures"),
    "check.duplicate_same": ("Dòng lặp lại dòng {first_row} (cùng số liệu): bỏ qua",
                             "Repeats row {first_row} with the same figures: ignored"),
    "check.lower_than_before": ("Số đã số hóa thấp hơn báo cáo trước ({previous} ngày {date})",
                                "Books digitized lower than the previous report ({previous} on {date})"),
    "value.not_number": ("Không phải là số", "Not a number"),
    "value.not_whole": ("Không phải số nguyên", "Not a whole number"),
    "value.negative": ("Số âm", "Negative number"),
    "value.bad_date": ("Ngày không đọc được", "Unreadable date"),
    "fix.send_table": ("Gửi tệp CSV hoặc Excel theo mẫu báo cáo", "Send a CSV or Excel file following the template"),
    "fix.pick_sheet": ("Chọn một trang tính có trong tệp", "Pick a sheet that exists in the file"),
    "fix.save_xlsx": ("Mở tệp bằng Excel và lưu lại dạng .xlsx", "Open the file in Excel and save it as .xlsx"),
    "fix.split_file": ("Chia nhỏ tệp hoặc bỏ các trang tính không cần thiết",
                       "Split the file or remove sheets that are not needed"),
    "fix.add_column": ("Thêm cột này (xem tệp mẫu) hoặc sửa tên cột cho đúng",
                       "Add this column (see the template) or correct its header"),
    "fix.date_format": ("Ghi ngày theo dạng ngày/tháng/năm, ví dụ 25/02/2025",
                        "Write the date as day/month/year, e.g. 25/02/2025"),
    "fix.date_give": ("Điền ngày báo cáo vào cột ngày, hoặc chọn ngày khi tải lên (--date)",
                      "Fill in the report date, or give it when uploading (--date)"),
    "fix.date_same": ("Sửa ngày trong tệp hoặc chọn đúng ngày khi tải lên",
                      "Correct the date in the file or give the right date when uploading"),
    "fix.whole_number": ("Ghi số nguyên không âm, ví dụ 1234 hoặc 1.234",
                         "Write a whole number ≥ 0, e.g. 1234 or 1.234"),
    "fix.give_commune": ("Điền mã xã hoặc tên xã", "Fill in the commune code or name"),
    "fix.check_name": ("Kiểm tra mã/tên theo danh mục đơn vị hành chính", "Check the code or name against the unit list"),
    "fix.total_give": ("Điền tổng số sổ của xã", "Fill in the commune's books in total"),
    "fix.over_total": ("Kiểm tra lại hai số liệu: số đã số hóa không thể vượt tổng số",
                       "Check both figures: digitized cannot exceed the total"),
    "fix.remove_duplicate": ("Giữ lại một dòng cho mỗi xã và ngày", "Keep one row per commune and date"),
    "fix.confirm_correction": ("Nếu đây là số liệu đính chính, hãy xác nhận khi tải lên",
                               "If this is a correction, confirm it when uploading"),
    # other errors
    "db.busy": ("Cơ sở dữ liệu {path} đang bận (đã chờ {seconds} giây). Hãy thử lại sau.",
                "The database {path} is busy (waited {seconds} s). Try again later."),
    "province.none": ("Chưa có danh mục đơn vị hành chính", "No unit list loaded"),
    "province.unknown": ("Không có tỉnh mã {province}", "No province with code {province}"),
    "upload.unknown": ("Không có lần tải lên số {upload_id}", "No upload number {upload_id}"),
    "upload.not_withdrawable": ("Lần tải lên số {upload_id} không rút được (trạng thái {outcome})",
                                "Upload {upload_id} cannot be withdrawn (outcome {outcome})"),
    "campaign.order": ("Ngày bắt đầu ({start}) phải trước hạn chót ({deadline})",
                       "The start ({start}) must come before the deadline ({deadline})"),
    "campaign.name_empty": ("Tên đợt không được để trống", "The campaign name cannot be empty"),
    "units.missing_columns": ("Tệp danh mục {file} thiếu cột: {columns}", "Unit list {file} lacks columns: {columns}"),
    "units.bad_row": ("Tệp danh mục {file}, dòng {row}: thiếu mã tỉnh, mã xã hoặc tên xã",
                      "Unit list {file}, row {row}: province code, commune code or name missing"),
    "units.bad_target": ("Tệp danh mục {file}, dòng {row}: chỉ tiêu '{value}' không hợp lệ",
                         "Unit list {file}, row {row}: invalid target '{value}'"),
    "units.empty": ("Tệp danh mục {file} không có dòng nào", "Unit list {file} has no rows"),
    "units.duplicate_code": ("Mã xã {code} xuất hiện hai lần trong danh mục", "Commune code {code} appears twice"),
    "arg.bad_date": ("Ngày không hợp lệ: {value} (dùng YYYY-MM-DD)", "Invalid date: {value} (use YYYY-MM-DD)"),
    "file.not_found": ("Không tìm thấy tệp {file}", "File not found: {file}"),
    # CLI
    "cli.problem_line": ("{file}, dòng {row}, cột {column}, giá trị '{value}': {problem}. Cách sửa: {fix}",
                         "{file}, row {row}, column {column}, value '{value}': {problem}. Fix: {fix}"),
    "cli.warning_line": ("Cảnh báo: {file}, dòng {row}, cột {column}, giá trị '{value}': {problem}. {fix}",
                         "Warning: {file}, row {row}, column {column}, value '{value}': {problem}. {fix}"),
    "cli.units_loaded": ("Đã nạp {communes} xã của {provinces} tỉnh ({added} mới, {removed} bị bỏ; "
                         "{orphaned_reports} báo cáo của các xã bị bỏ được giữ lại nhưng không còn được tính; "
                         "{moved_from_other_provinces} đơn vị chuyển từ tỉnh khác).",
                         "Loaded {communes} communes of {provinces} provinces ({added} new, {removed} removed; "
                         "{orphaned_reports} reports of removed communes are kept but no longer count)."),
    "cli.demo_loaded": ("Đã tạo dữ liệu mẫu: {communes} xã, {reports} báo cáo.",
                        "Demo data created: {communes} communes, {reports} reports."),
}


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The text of ``key`` in ``lang`` with ``values`` filled in; the key itself when unknown."""
    pair = CATALOGUE.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "vi" else pair[1]
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def _locale(lang: str) -> str:
    return "vi_VN" if lang == "vi" else "en_US"


def fmt_int(value: Any, lang: str = DEFAULT_LANG) -> str:
    """12.345 in Vietnamese, 12,345 in English; an empty cell stays empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_decimal(round(float(value)), format="#,##0", locale=_locale(lang))


def fmt_num(value: Any, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(float(value), format=pattern, locale=_locale(lang))


def fmt_pct(value: Any, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """45,3 % in Vietnamese, 45.3 % in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{fmt_num(value, lang, digits)} %"


def fmt_date(value: Any, lang: str = DEFAULT_LANG) -> str:
    """05/03/2025 (day first) in both languages, as official documents write it."""
    if value is None:
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    try:
        return value.strftime("%d/%m/%Y")
    except (AttributeError, ValueError):
        return "–"
