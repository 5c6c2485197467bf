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
    "kpi.reporting_on": ("Xã báo cáo ngày {date}", "Communes reporting on {date}"),
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
    # chart images and the daily brief
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
    "brief.png": ("ảnh PNG", "PNG image"),
    "brief.pdf": ("PDF khổ A4", "A4 PDF"),
    "brief.title": ("BÁO CÁO NHANH TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH", "DAILY BRIEF: CIVIL-STATUS BOOK DIGITIZATION"),
    "brief.countdown": ("Còn {days} ngày đến hạn chót {deadline}", "{days} days to the deadline {deadline}"),
    "brief.overdue": ("Đã quá hạn chót {deadline} {days} ngày", "{days} days past the deadline {deadline}"),
    "brief.worst": ("10 xã chậm tiến độ nhất", "The ten communes furthest behind"),
    "brief.worst_none": ("Không có xã nào chậm tiến độ.", "No commune is behind."),
    "brief.more": ("(trong số {count} xã chậm hoặc không báo cáo)", "(of {count} communes behind or not reporting)"),
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
    # dashboard pages: sidebar, overview, localities, underperformers, explanations, settings
    "nav.localities": ("Địa bàn", "Localities"),
    "nav.settings": ("Cài đặt", "Settings"),
    "sidebar.district": ("Huyện", "District"),
    "sidebar.all_districts": ("Toàn tỉnh", "Whole province"),
    "sidebar.measure": ("Chỉ tiêu", "Measure"),
    "measure.books": ("Số sổ", "Books"),
    "measure.records": ("Số trường hợp", "Records"),
    "calendar.vn": ("Ngày làm việc (trừ thứ Bảy, Chủ nhật, ngày lễ Việt Nam)",
                    "Working days (no weekends, Vietnamese public holidays)"),
    "calendar.weekdays": ("Thứ Hai – thứ Sáu", "Monday to Friday"),
    "calendar.all": ("Mọi ngày trong tuần", "Every day"),
    "overview.scope_district": ("Đang xem: {district}", "Showing: {district}"),
    "overview.trend_district": ("Tiến độ {district} so với kế hoạch", "{district}: progress against plan"),
    "kpi.change": ("{value} điểm so với {date}", "{value} points since {date}"),
    "kpi.of_total": ("{done}/{total} xã", "{done}/{total} communes"),
    "kpi.reporting_help": ("Số xã có báo cáo đúng ngày đang xem / tổng số xã (tỷ lệ báo cáo). "
                           "Báo cáo muộn: báo cáo của ngày này được tải lên sau hết ngày (giờ Việt Nam).",
                           "Communes with a report dated the day shown / all communes (reporting rate). "
                           "Late: a report for the day uploaded after the day ended (Vietnam time)."),
    "kpi.reporting_note": ("{rate} · muộn {late}", "{rate} · late {late}"),
    "kpi.books_total": ("trên tổng số {total} sổ", "of {total} books"),
    "kpi.books_short": ("Sổ đã số hóa", "Books digitized"),
    "kpi.required_short": ("Cần đạt (sổ/ngày)", "Needed (books/day)"),
    "kpi.recent_short": ("Tốc độ 7 ngày (sổ/ngày)", "7-day pace (books/day)"),
    "kpi.working_days": ("{days} ngày làm việc", "{days} working days"),
    "kpi.per_working_day": ("{value}/ngày làm việc", "{value}/working day"),
    "kpi.pace_ratio": ("Đạt {pct} tốc độ cần thiết", "{pct} of the pace needed"),
    "kpi.records": ("Số trường hợp đã số hóa", "Records digitized"),
    "chart.records_axis": ("Số trường hợp", "Records"),
    "chart.records_per_day": ("Số trường hợp số hóa trong ngày", "Records digitized per day"),
    "loc.title": ("Tiến độ theo địa bàn", "Progress by locality"),
    "loc.tab_districts": ("Xếp hạng huyện", "District league"),
    "loc.tab_communes": ("Xếp hạng xã", "Commune league"),
    "loc.tab_treemap": ("Bản đồ cây", "Treemap"),
    "loc.tab_heatmap": ("Bản đồ nhiệt", "Heat map"),
    "loc.filter": ("Lọc", "Filter"),
    "loc.filter.all": ("Tất cả", "All"),
    "loc.filter.top": ("N đơn vị đứng đầu", "Top N"),
    "loc.filter.bottom": ("N đơn vị cuối bảng", "Bottom N"),
    "loc.filter.below_average": ("Dưới mức bình quân toàn tỉnh/huyện", "Below the average"),
    "loc.filter.behind_plan": ("Chậm so với kế hoạch", "Behind plan"),
    "loc.filter.not_reporting": ("Không báo cáo", "Not reporting"),
    "loc.top_n": ("N", "N"),
    "loc.top_n_help": ("Số đơn vị khi lọc N đứng đầu hoặc N cuối bảng", "How many units for top N or bottom N"),
    "loc.count": ("Hiển thị {shown}/{total} đơn vị", "Showing {shown} of {total} units"),
    "loc.download_csv": ("Tải bảng (CSV)", "Download the table (CSV)"),
    "loc.province_average": ("Bình quân chung", "Average (all units)"),
    "loc.gap_help": ("Kế hoạch trừ thực tế, tính bằng điểm phần trăm (dương: chậm)",
                     "Plan minus actual in percentage points (positive: behind)"),
    "loc.pace_help": ("Số sổ số hóa bình quân mỗi ngày trong 7 ngày qua", "Books digitized per day, last 7 days"),
    "loc.needed_help": ("Số sổ cần số hóa mỗi ngày để xong đúng hạn", "Books per day needed to finish on time"),
    "loc.trend_help": ("Số sổ số hóa mỗi ngày trong 14 ngày gần nhất", "Books digitized per day, last 14 days"),
    "loc.no_districts": ("Danh mục không có cấp huyện.", "The unit list has no districts."),
    "loc.drill_district": ("Xem các xã của huyện", "Show the communes of"),
    "loc.click_district": ("Bấm vào một huyện trên biểu đồ để xem các xã của huyện đó.",
                           "Click a district on the chart to see its communes."),
    "loc.drill_title": ("Các xã của {district}", "Communes of {district}"),
    "loc.drill_clear": ("Đóng", "Close"),
    "loc.commune_detail": ("Chi tiết một xã", "One commune in detail"),
    "loc.pick_commune": ("Chọn xã", "Choose a commune"),
    "loc.pick_commune_none": ("— chọn xã —", "— choose —"),
    "loc.explanations": ("Giải trình", "Explanations"),
    "loc.no_explanations": ("Chưa có giải trình.", "No explanation yet."),
    "loc.history": ("Lịch sử báo cáo", "Report history"),
    "loc.uploads": ("Các lần tải lên có xã này", "Uploads naming this commune"),
    "loc.treemap": ("Số sổ theo huyện và xã, màu theo tình trạng", "Books by district and commune, coloured by status"),
    "loc.treemap_help": ("Diện tích ô tỷ lệ với tổng số sổ; bấm vào một huyện để xem các xã.",
                         "Area is proportional to books in total; click a district to see its communes."),
    "loc.heatmap": ("Số sổ số hóa mỗi ngày theo xã", "Books digitized per day by commune"),
    "loc.heatmap_help": ("Ô màu cam: không tăng trong ngày; ô trống: chưa có báo cáo. Các xã đứng yên lâu nhất "
                         "nằm trên cùng.",
                         "Orange: no progress that day; blank: no report yet. The communes stalled longest are on top."),
    "loc.heat_days": ("Số ngày", "Days"),
    "reason.not_completed": ("chưa hoàn thành khi đã hết hạn", "not completed by the deadline"),
    "under.intro_after": ("Đã quá hạn chót: các xã chưa hoàn thành, chậm kế hoạch hoặc không báo cáo trong {window} "
                          "ngày gần nhất, tính đến {date}.",
                          "The deadline has passed: communes not completed, behind plan or without a report in the "
                          "last {window} days, as of {date}."),
    "under.download_xlsx": ("Tải báo cáo (Excel)", "Download the report (Excel)"),
    "under.by_district": ("Theo huyện", "By district"),
    "under.col_count": ("Số xã", "Communes"),
    "under.col_not_completed": ("Chưa hoàn thành khi hết hạn", "Not completed by the deadline"),
    "under.col_explained": ("Đã giải trình", "Explained"),
    "col.explanation": ("Giải trình", "Explanation"),
    "col.explained_on": ("Ngày giải trình", "Explained on"),
    "col.new_completion_date": ("Cam kết hoàn thành", "Committed completion"),
    "col.responsible": ("Người chịu trách nhiệm", "Responsible"),
    "col.pace7": ("Tốc độ 7 ngày (sổ/ngày)", "7-day pace (books/day)"),
    "col.needed": ("Cần đạt (sổ/ngày)", "Needed (books/day)"),
    "col.projected": ("Dự kiến hoàn thành", "Projected finish"),
    "col.trend14": ("14 ngày qua", "Last 14 days"),
    "col.reports_dropped": ("Số báo cáo không còn được tính", "Reports no longer counted"),
    "col.old_name": ("Tên cũ", "Old name"),
    "col.old_district": ("Huyện cũ", "Old district"),
    "explain.sign_in_to_record": ("Đăng nhập bằng tài khoản cán bộ (tải lên hoặc quản trị) để ghi giải trình.",
                                  "Sign in with a staff account (uploader or admin) to record explanations."),
    "explain.title": ("Ghi nhận giải trình", "Record an explanation"),
    "explain.commune": ("Xã", "Commune"),
    "explain.date": ("Ngày giải trình", "Date given"),
    "explain.new_date": ("Cam kết hoàn thành vào ngày", "Committed completion date"),
    "explain.reason": ("Lý do đơn vị nêu", "Reason given by the unit"),
    "explain.responsible": ("Người chịu trách nhiệm", "Responsible person"),
    "explain.save": ("Lưu giải trình", "Save the explanation"),
    "explain.saved": ("Đã lưu giải trình của {commune}.", "Explanation of {commune} saved."),
    "explain.all": ("Tất cả giải trình ({count})", "All explanations ({count})"),
    "explain.commit_short": ("cam kết xong {date}", "committed to finish by {date}"),
    "explain.responsible_short": ("phụ trách: {name}", "responsible: {name}"),
    "explain.reason_empty": ("Hãy ghi lý do đơn vị nêu", "Write the reason the unit gave"),
    "explain.unknown_commune": ("Không có xã mã {commune}", "No commune with code {commune}"),
    "explain.commitment_before": ("Ngày cam kết ({date}) không được trước ngày giải trình",
                                  "The committed date ({date}) cannot be before the date given"),
    "explain.unknown": ("Không có giải trình số {id}", "No explanation number {id}"),
    "export.sheet": ("Đơn vị chậm tiến độ", "Underperformers"),
    "export.title": ("DANH SÁCH ĐƠN VỊ CHẬM TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH — {province}",
                     "COMMUNES BEHIND IN CIVIL-STATUS BOOK DIGITIZATION — {province}"),
    "export.subtitle": ("{campaign}. Số liệu đến ngày {date}.", "{campaign}. Figures as of {date}."),
    "export.count": ("Tổng số: {count} đơn vị", "In total: {count} communes"),
    "export.district_row": ("{district} ({count} đơn vị)", "{district} ({count} communes)"),
    "settings.title": ("Cài đặt", "Settings"),
    "settings.campaign": ("Đợt số hóa và ngưỡng đánh giá", "Campaign and thresholds"),
    "settings.campaign_name": ("Tên đợt", "Campaign name"),
    "settings.start": ("Ngày bắt đầu", "Start date"),
    "settings.deadline": ("Hạn chót", "Deadline"),
    "settings.amber": ("Ngưỡng \"chậm ít\" (điểm %)", "\"Slightly behind\" threshold (points)"),
    "settings.amber_help": ("Chậm đến ngưỡng này: màu cam; chậm hơn: màu đỏ",
                            "Behind by up to this: amber; more: red"),
    "settings.window": ("Số ngày không báo cáo", "Not-reporting window (days)"),
    "settings.window_help": ("Xã không có báo cáo nào trong số ngày này (tính cả ngày đang xem) là không báo cáo",
                             "A commune without a report within this many days (the day shown included) is not reporting"),
    "settings.calendar": ("Lịch ngày làm việc", "Working-day calendar"),
    "settings.save": ("Lưu cài đặt", "Save the settings"),
    "settings.saved": ("Đã lưu cài đặt.", "Settings saved."),
    "settings.legend": ("Tình trạng hiện dùng: {legend}", "Statuses in use: {legend}"),
    "settings.holidays": ("Trong đợt có {days} ngày làm việc; ngày lễ: {list}.",
                          "The campaign has {days} working days; public holidays: {list}."),
    "settings.units": ("Danh mục đơn vị hành chính", "Unit list"),
    "settings.units_help": ("Tải lên danh mục mới (CSV theo mẫu: province_code, province_name, district_code, "
                            "district_name, commune_code, commune_name, commune_type), ví dụ tỉnh khác hoặc cấu trúc "
                            "hai cấp 2025. Xem trước các thay đổi rồi mới áp dụng.",
                            "Upload a new unit list (CSV in the shipped format), e.g. another province or the "
                            "two-level 2025 structure. Preview the changes before applying them."),
    "settings.units_file": ("Chọn tệp danh mục (CSV)", "Choose a unit list (CSV)"),
    "settings.units_preview": ("{communes} xã của tỉnh {provinces}: {added} thêm, {removed} bỏ, {renamed} đổi tên "
                               "hoặc chuyển huyện; {orphaned} báo cáo của các xã bị bỏ sẽ không còn được tính.",
                               "{communes} communes of province {provinces}: {added} added, {removed} removed, "
                               "{renamed} renamed or moved; {orphaned} reports of removed communes will stop counting."),
    "settings.units_added": ("Xã thêm mới ({count})", "Communes added ({count})"),
    "settings.units_removed": ("Xã bị bỏ ({count})", "Communes removed ({count})"),
    "settings.units_renamed": ("Xã đổi tên hoặc chuyển huyện ({count})", "Communes renamed or moved ({count})"),
    "settings.units_apply": ("Áp dụng danh mục mới", "Apply the new unit list"),
    "settings.units_done": ("Đã áp dụng danh mục: {communes} xã.", "Unit list applied: {communes} communes."),
    # upload
    "upload.title": ("Tải lên số liệu báo cáo", "Upload report figures"),
    "upload.help": ("Tệp CSV hoặc Excel (.xlsx), mỗi dòng một xã, theo mẫu.",
                    "A CSV or Excel (.xlsx) file, one row per commune, as in the template."),
    "upload.file": ("Chọn tệp báo cáo", "Choose report files"),
    "upload.date": ("Ngày báo cáo", "Report date"),
    "upload.use_date": ("Tệp không ghi ngày: dùng ngày chọn dưới đây", "The file states no date: use the day below"),
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
    "fix.date_give": ("Điền ngày báo cáo vào cột ngày, hoặc vào dòng “Ngày báo cáo” ở đầu tệp mẫu",
                      "Fill in the report date in the date column, or on the “Ngày báo cáo” line at the top "
                      "of the template"),
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
    # import of real-world files
    "read.too_many_rows": ("Tệp có quá nhiều dòng (tối đa {limit} dòng)", "The file has too many rows (at most {limit})"),
    "read.bomb": ("Tệp Excel khi giải nén quá lớn (tối đa {limit_mb} MB): có thể là tệp hỏng hoặc độc hại",
                  "The Excel file expands too far (at most {limit_mb} MB): damaged or hostile"),
    "read.tcvn3_converted": ("Tệp dùng bảng mã cũ TCVN3 (ABC, phông .VnTime): đã chuyển sang Unicode, hãy kiểm tra "
                             "tên xã trong phần xem trước",
                             "The file uses the legacy TCVN3 (ABC, .VnTime fonts) encoding: converted to Unicode; "
                             "check the names in the preview"),
    "fix.tcvn3_converted": ("Lần sau hãy lưu tệp bằng Unicode (phông Times New Roman, bảng mã Unicode)",
                            "Next time save the file in Unicode (Times New Roman font, Unicode encoding)"),
    "read.several_sheets": ("Nhiều trang tính có bảng số liệu ({sheets}): đã đọc trang {sheet}",
                            "Several sheets hold a table ({sheets}): read {sheet}"),
    "fix.several_sheets": ("Nếu cần trang khác, hãy chọn trang tính khi tải lên",
                           "To read another, pick the sheet when uploading"),
    "check.date_ambiguous": ("Không xác định được ngày báo cáo: tệp ghi nhiều ngày ({dates})",
                             "The report date is unclear: the file states several dates ({dates})"),
    "check.date_title_differs": ("Ngày ghi trong tệp ({stated}) khác ngày đã chọn ({given}): dùng ngày đã chọn",
                                 "The date stated in the file ({stated}) differs from the date given ({given}): "
                                 "the date given is used"),
    "check.date_future": ("Ngày báo cáo ở tương lai (hôm nay là {today})", "The report date is in the future (today is {today})"),
    "check.date_before_campaign": ("Ngày báo cáo trước ngày bắt đầu đợt ({start}): được nạp như số liệu đầu kỳ",
                                   "The report date is before the campaign start ({start}): loaded as a baseline"),
    "fix.confirm_date": ("Nếu đây là số liệu đầu kỳ, hãy xác nhận; nếu không, sửa lại ngày",
                         "If this is the baseline, confirm; otherwise correct the date"),
    "check.total_mismatch": ("Dòng tổng '{text}' ghi {stated}, tổng các xã trong tệp là {computed}",
                             "The total row '{text}' states {stated}; the communes of the file add up to {computed}"),
    "check.subtotal_mismatch": ("Dòng cộng '{text}' ghi {stated}, tổng các xã của huyện trong tệp là {computed}",
                                "The subtotal '{text}' states {stated}; the district's communes add up to {computed}"),
    "check.pct_mismatch": ("Tỷ lệ ghi trong tệp khác tỷ lệ tính từ số liệu ({computed} %)",
                           "The percentage stated differs from the one the figures give ({computed} %)"),
    "fix.check_total": ("Kiểm tra lại số liệu hoặc công thức tính tổng trong tệp",
                        "Check the figures or the sum formulas in the file"),
    "check.more_errors": ("… và {count} lỗi khác", "… and {count} more problems"),
    "fix.more_errors": ("Sửa các lỗi trên rồi tải lại để xem tiếp", "Fix the problems above and upload again"),
    "upload.recognized_detail": ("Trang tính: {sheet} · dòng tiêu đề: {header_row} · ngày báo cáo: {date} ({source}) · "
                                 "dòng đọc được: {rows_read} · xã khớp: {communes}",
                                 "Sheet: {sheet} · header row: {header_row} · report date: {date} ({source}) · "
                                 "rows read: {rows_read} · communes matched: {communes}"),
    "upload.columns_mapped": ("Cột nhận dạng", "Columns recognized"),
    "upload.column_in_file": ("Cột trong tệp", "Column in the file"),
    "upload.column_meaning": ("Ý nghĩa", "Meaning"),
    "upload.skipped": ("Dòng tiêu đề huyện, dòng cộng và dòng tổng (không nạp như xã): {count}",
                       "District headings, subtotals and totals (not loaded as communes): {count}"),
    "upload.ignored_columns": ("Cột bỏ qua: {columns}", "Columns ignored: {columns}"),
    "upload.date_source.column": ("cột ngày", "date column"),
    "upload.date_source.form": ("ngày đã chọn", "date given"),
    "upload.date_source.title": ("dòng tiêu đề", "title line"),
    "upload.date_source.file_name": ("tên tệp", "file name"),
    "upload.change": ("Thay đổi", "Change"),
    "upload.change_detail": ("{new} báo cáo mới, {replaced} báo cáo thay thế · tỷ lệ hoàn thành toàn tỉnh đến "
                             "{as_of}: {before} → {after}",
                             "{new} new reports, {replaced} replaced · province completion as of {as_of}: "
                             "{before} → {after}"),
    "upload.errors_title": ("Lỗi (tệp bị từ chối, không có gì được ghi)", "Errors (the file is rejected, nothing written)"),
    "upload.warnings_title": ("Cảnh báo (cần xác nhận trước khi nạp)", "Warnings (confirm before loading)"),
    "upload.sheet_pick": ("Trang tính", "Sheet"),
    "upload.pick_unit": ("Chọn đơn vị đúng cho tên '{name}' (dòng {row}); lựa chọn được ghi nhớ cho lần sau",
                         "Pick the right unit for '{name}' (row {row}); the choice is remembered"),
    "upload.pick_none": ("— chưa chọn —", "— not chosen —"),
    "upload.save_aliases": ("Ghi nhớ các lựa chọn và kiểm tra lại", "Remember these choices and check again"),
    "upload.aliases_saved": ("Đã ghi nhớ {count} tên gọi.", "Remembered {count} names."),
    "upload.withdraw": ("Rút lần tải lên", "Withdraw an upload"),
    "upload.withdraw_pick": ("Lần tải lên cần rút", "Upload to withdraw"),
    "upload.withdraw_confirm": ("Rút và khôi phục số liệu trước đó", "Withdraw and restore the previous figures"),
    "upload.withdrawn": ("Đã rút lần tải lên số {upload_id}: {count} báo cáo được khôi phục về số liệu trước.",
                         "Upload {upload_id} withdrawn: {count} reports restored to their previous figures."),
    "upload.nothing_to_withdraw": ("Không có lần tải lên nào để rút.", "No upload to withdraw."),
    "upload.loaded_here": ("Đã nạp.", "Loaded."),
    "upload.help_formats": ("Nhận tệp Excel (.xlsx, .xls) và CSV (UTF-8, UTF-16, Windows-1258), kể cả mẫu báo cáo "
                            "hành chính có dòng tiêu đề, dòng huyện và dòng tổng cộng. Không có gì được ghi cho đến khi "
                            "bạn xác nhận.",
                            "Excel (.xlsx, .xls) and CSV (UTF-8, UTF-16, Windows-1258) files are accepted, including "
                            "official report layouts with title lines, district rows and totals. Nothing is written "
                            "until you confirm."),
    # other errors
    "db.busy": ("Cơ sở dữ liệu {path} đang bận (đã chờ {seconds} giây). Hãy thử lại sau.",
                "The database {path} is busy (waited {seconds} s). Try again later."),
    # --- access, accounts, audit, backup ---
    "db.waiting": ("Cơ sở dữ liệu đang được ghi bởi tiến trình khác; đang chờ…",
                   "Another process is writing to the database; waiting…"),
    "auth.sign_in_needed": ("Cần đăng nhập để thực hiện thao tác này.", "Sign in to do this."),
    "auth.bad_login": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."),
    "auth.bad_name": ("Tên đăng nhập không hợp lệ: {name} (chữ thường, số, . _ - @ +).",
                      "Invalid user name: {name} (lower-case letters, digits, . _ - @ +)."),
    "auth.bad_role": ("Vai trò không hợp lệ: {role} (chọn: {roles}).", "Invalid role: {role} (one of: {roles})."),
    "auth.bad_scope": ("Phạm vi không hợp lệ: {scope} (ví dụ district:502, commune:20335).",
                       "Invalid assignment: {scope} (e.g. district:502, commune:20335)."),
    "auth.unknown_scope": ("Không có đơn vị {scope} trong danh mục.", "No unit {scope} in the unit list."),
    "auth.password_short": ("Mật khẩu cần ít nhất {min} ký tự.", "The password needs at least {min} characters."),
    "auth.password_long": ("Mật khẩu dài quá {max} byte.", "The password is longer than {max} bytes."),
    "auth.user_exists": ("Tài khoản {name} đã có.", "Account {name} already exists."),
    "auth.unknown_user": ("Không có tài khoản {name}.", "No account {name}."),
    "auth.user_added": ("Đã tạo tài khoản {name} ({role}).", "Account {name} ({role}) created."),
    "auth.password_set": ("Đã đặt mật khẩu mới cho {name}.", "New password set for {name}."),
    "auth.user_changed": ("Đã cập nhật tài khoản {name}.", "Account {name} updated."),
    "auth.passwords_differ": ("Hai mật khẩu không khớp.", "The two passwords differ."),
    "auth.no_account": ("Tài khoản {email} chưa được cấp quyền. Hãy liên hệ quản trị viên.",
                        "The account {email} has no access yet. Ask an administrator."),
    "auth.open_mode": ("Chưa có tài khoản nào: ai cũng có thể tải lên và thay đổi cài đặt. Hãy tạo tài khoản quản trị "
                       "(python -m analytics users add TÊN --role admin).",
                       "No accounts yet: anyone can upload and change settings. Create an admin account "
                       "(python -m analytics users add NAME --role admin)."),
    "login.title": ("Đăng nhập", "Sign in"),
    "login.name": ("Tên đăng nhập", "User name"),
    "login.password": ("Mật khẩu", "Password"),
    "login.submit": ("Đăng nhập", "Sign in"),
    "login.oidc": ("Đăng nhập bằng tài khoản tổ chức", "Sign in with your organisation account"),
    "login.signed_in_as": ("Đăng nhập: {name} ({role})", "Signed in: {name} ({role})"),
    "login.sign_out": ("Đăng xuất", "Sign out"),
    "login.view_open": ("Xem số liệu không cần đăng nhập; đăng nhập để tải lên hoặc quản trị.",
                        "Viewing needs no sign-in; sign in to upload or administer."),
    "login.required": ("Cần đăng nhập để xem số liệu.", "Sign in to see the figures."),
    "role.viewer": ("Xem", "Viewer"),
    "role.uploader": ("Cập nhật số liệu", "Uploader"),
    "role.admin": ("Quản trị", "Administrator"),
    "nav.login": ("Đăng nhập", "Sign in"),
    "nav.admin": ("Quản trị", "Administration"),
    "admin.title": ("Quản trị: tài khoản và nhật ký", "Administration: accounts and audit log"),
    "admin.users": ("Tài khoản", "Accounts"),
    "admin.add_user": ("Thêm tài khoản", "Add an account"),
    "admin.role": ("Vai trò", "Role"),
    "admin.scopes": ("Phạm vi được giao (mỗi dòng: district:MÃ hoặc commune:MÃ)",
                     "Assigned units (one a line: district:CODE or commune:CODE)"),
    "admin.display_name": ("Họ tên", "Full name"),
    "admin.password_repeat": ("Nhập lại mật khẩu", "Repeat the password"),
    "admin.save": ("Lưu", "Save"),
    "admin.edit_user": ("Sửa tài khoản", "Edit an account"),
    "admin.user": ("Tài khoản", "Account"),
    "admin.active": ("Đang hoạt động", "Active"),
    "admin.new_password": ("Mật khẩu mới (để trống: không đổi)", "New password (empty: unchanged)"),
    "admin.audit": ("Nhật ký thay đổi", "Audit log"),
    "admin.audit_help": ("Mọi thay đổi ngoài tải tệp (cài đặt, đợt, danh mục, tài khoản, rút tệp, đăng nhập). "
                         "Lịch sử tải tệp ở trang Tải lên.",
                         "Every write other than uploads (settings, campaign, unit list, accounts, withdrawals, "
                         "sign-ins). The upload history is on the Upload page."),
    "admin.uploads": ("Nhật ký tải tệp", "Upload log"),
    "col.when": ("Thời điểm (UTC)", "When (UTC)"),
    "col.actor": ("Người thực hiện", "By"),
    "col.source": ("Nguồn", "Source"),
    "col.action": ("Thao tác", "Action"),
    "col.target": ("Đối tượng", "Target"),
    "col.detail": ("Chi tiết", "Detail"),
    "col.account": ("Tài khoản", "Account"),
    "col.role": ("Vai trò", "Role"),
    "col.scopes": ("Phạm vi", "Assigned units"),
    "col.active": ("Hoạt động", "Active"),
    "col.locked_until": ("Tạm dừng đăng nhập đến", "Sign-in paused until"),
    "col.last_login": ("Đăng nhập gần nhất", "Last sign-in"),
    "backup.done": ("Đã sao lưu vào {path}", "Backed up to {path}"),
    "backup.restored": ("Đã khôi phục {db} từ {source}", "Restored {db} from {source}"),
    "backup.none": ("Không có bản sao lưu nào trong {folder}", "No backup in {folder}"),
    "backup.unreadable": ("Không đọc được bản sao lưu {file}: {error}", "Cannot read the backup {file}: {error}"),
    "backup.mismatch": ("Bản sao lưu {file} không khớp với cơ sở dữ liệu; đã hủy.",
                        "The backup {file} does not match the database; discarded."),
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
                         "{orphaned_reports} reports of removed communes are kept but no longer count; "
                         "{moved_from_other_provinces} units moved from another province)."),
    "cli.demo_loaded": ("Đã tạo dữ liệu mẫu: {communes} xã, {reports} báo cáo.",
                        "Demo data created: {communes} communes, {reports} reports."),
    # --- the clerk's flow on the Upload page: fixes worded per surface, templates, pickers, preview ---
    # "<fix key>.page" / "<fix key>.cli": the same fix worded for the Upload page (its controls' labels are
    # filled in by i18n.t_surface) or for the command line (its flags); the plain key is the neutral wording
    "fix.date_give.cli": ("Điền ngày báo cáo vào cột ngày hoặc vào dòng “Ngày báo cáo” ở đầu tệp, hoặc cho "
                          "ngày khi nạp (--date)",
                          "Fill in the report date in the date column or on the “Ngày báo cáo” line at the top, "
                          "or give it on the command line (--date)"),
    "fix.date_give.page": ("Điền ngày vào dòng “Ngày báo cáo” ở đầu tệp (hoặc vào cột ngày), hoặc đánh dấu "
                           "“{date_control}” trên trang này rồi chọn ngày ở ô “{date_field}”",
                           "Fill in the date on the “Ngày báo cáo” line at the top of the file (or in a date "
                           "column), or tick “{date_control}” on this page and pick the day in “{date_field}”"),
    "fix.several_sheets.cli": ("Nếu cần trang khác, hãy chọn trang tính khi nạp (--sheet)",
                               "To read another, pick the sheet on the command line (--sheet)"),
    "fix.several_sheets.page": ("Nếu cần trang khác, hãy chọn ở ô “{sheet_control}” bên dưới",
                                "To read another, pick it in “{sheet_control}” below"),
    "fix.date_same.cli": ("Sửa ngày trong tệp hoặc cho đúng ngày khi nạp (--date)",
                          "Correct the date in the file or give the right one on the command line (--date)"),
    "fix.date_same.page": ("Sửa ngày trong tệp, hoặc chọn đúng ngày ở ô “{date_field}” trên trang này",
                           "Correct the date in the file, or pick the right day in “{date_field}” on this page"),
    "fix.confirm_correction.cli": ("Nếu đây là số liệu đính chính, tệp vẫn được nạp (trừ khi dùng --strict)",
                                   "If this is a correction, the file still loads (unless --strict is given)"),
    "fix.confirm_correction.page": ("Nếu đây là số liệu đính chính, đánh dấu “{confirm_control}” rồi bấm "
                                    "“{load_control}”",
                                    "If this is a correction, tick “{confirm_control}” and press “{load_control}”"),
    "fix.confirm_date.page": ("Nếu đây là số liệu đầu kỳ, đánh dấu “{confirm_control}”; nếu không, sửa lại ngày",
                              "If this is the baseline, tick “{confirm_control}”; otherwise correct the date"),
    "fix.pick_unit": ("Sửa tên theo danh mục đơn vị hành chính (xem các tên gần giống)",
                      "Correct the name as in the unit list (see the closest names)"),
    "fix.pick_unit.page": ("Chọn đơn vị đúng ở mục “{pick_title}” ngay dưới bảng này (được ghi nhớ cho lần "
                           "sau), hoặc sửa tên trong tệp",
                           "Pick the right unit under “{pick_title}” just below this table (remembered next "
                           "time), or correct the name in the file"),
    "upload.template_scope": ("Mẫu cho", "Template for"),
    "upload.template_whole": ("Toàn tỉnh", "The whole province"),
    "upload.template_help": ("Mẫu đã có sẵn danh sách xã. Điền ngày báo cáo vào ô màu vàng ở dòng 2 "
                             "(“Ngày báo cáo: __/__/____”) và số liệu của từng xã, rồi tải tệp lên đây.",
                             "The template lists the communes. Fill in the report date in the yellow cell on "
                             "row 2 (“Ngày báo cáo: __/__/____”) and each commune's figures, then upload it here."),
    "upload.drop_label": ("Kéo thả tệp vào đây, hoặc bấm vào ô để chọn tệp",
                          "Drag and drop files here, or click the box to choose files"),
    "upload.drop_limits": ("Tối đa {limit_mb} MB mỗi tệp; CSV, Excel .xlsx/.xls/.ods",
                           "At most {limit_mb} MB per file; CSV, Excel .xlsx/.xls/.ods"),
    "upload.pick_title": ("Chọn đơn vị cho các tên chưa khớp", "Pick the unit for names that did not match"),
    "upload.pick_commune": ("Xã “{name}” (dòng {row}) là xã nào?", "Which commune is “{name}” (row {row})?"),
    "upload.pick_district": ("Huyện “{name}” (dòng {row}) là huyện nào?", "Which district is “{name}” (row {row})?"),
    "upload.pick_no_candidates": ("Không có tên nào gần giống trong danh mục “{name}” (dòng {row}): sửa tên "
                                  "trong tệp.",
                                  "No name in the unit list is close to “{name}” (row {row}): correct it in the file."),
    "upload.demo_replaced": ("Đang hiển thị DỮ LIỆU MẪU. Khi bạn xác nhận tệp này, toàn bộ dữ liệu mẫu (số liệu "
                             "và lịch sử tải lên mẫu) sẽ bị xóa và thay bằng số liệu thật của tệp.",
                             "The dashboard shows DEMO DATA. When you confirm this file, all the demo data "
                             "(figures and demo upload history) is removed and replaced by the file's real figures."),
    "app.demo_removed": ("Chưa có số liệu: dữ liệu mẫu đã bị xóa khi nạp tệp thật đầu tiên (lần tải lên số "
                         "{upload_id}), và lần tải lên đó đã được rút. Hãy tải tệp báo cáo lên ở trang Tải lên.",
                         "No figures yet: the demo data was removed when the first real file was loaded (upload "
                         "{upload_id}), and that upload was withdrawn. Upload a report on the Upload page."),
    "upload.demo_reload": ("Nạp lại dữ liệu mẫu", "Load the demo data again"),
    "upload.demo_reload_help": ("Chỉ quản trị viên: thay nội dung trống bằng dữ liệu mẫu.",
                                "Administrators only: fill the empty database with the demo data."),
    "upload.demo_reloaded": ("Đã nạp lại dữ liệu mẫu: {communes} xã, {reports} báo cáo.",
                             "Demo data loaded again: {communes} communes, {reports} reports."),
    "upload.changes_title": ("Số liệu từng xã: trước → sau", "Each commune's figures: before → after"),
    "upload.changes_vs_demo": ("Không so với dữ liệu mẫu (sẽ bị xóa): mọi xã trong tệp là báo cáo đầu tiên.",
                               "Not compared with the demo data (it will be removed): every commune of the file "
                               "is a first report."),
    "upload.col.for_date": ("Ngày", "Date"),
    "upload.col.digitized_change": ("Số sổ đã số hóa: trước → sau", "Books digitized: before → after"),
    "upload.col.increase": ("Tăng thêm", "Increase"),
    "upload.col.total_change": ("Tổng số sổ: trước → sau", "Books in total: before → after"),
    "upload.col.previous_date": ("Ngày báo cáo trước", "Previous report"),
    "upload.col.flag": ("Cần xem lại", "Check"),
    "upload.flag.jump": ("Tăng {pct} % tổng số sổ trong {days} ngày (ngưỡng {limit} % mỗi ngày)",
                         "Up {pct} % of the books in {days} days (limit {limit} % a day)"),
    "upload.flag.lower": ("Thấp hơn báo cáo trước", "Lower than the previous report"),
    "upload.flag.total_changed": ("Tổng số sổ thay đổi", "Books in total changed"),
    "upload.flagged": ("{count} xã cần xem lại: số liệu tăng hơn {limit} % tổng số sổ mỗi ngày, hoặc thấp hơn "
                       "báo cáo trước. Kiểm tra trước khi nạp.",
                       "{count} communes to check: an increase of more than {limit} % of their books a day, "
                       "or lower than the previous report. Check before loading."),
    "upload.confirm_flagged": ("Tôi đã kiểm tra các xã cần xem lại", "I have checked the communes flagged"),
    "upload.no_previous": ("–", "–"),
    "settings.jump": ("Ngưỡng tăng bất thường (% tổng số sổ mỗi ngày)", "Implausible increase (% of the books a day)"),
    "settings.jump_help": ("Trang Tải lên yêu cầu kiểm tra xã nào có số sổ đã số hóa tăng hơn mức này mỗi ngày "
                           "so với báo cáo trước (0: không kiểm tra).",
                           "The Upload page asks to check a commune whose books digitized rose by more than this "
                           "a day since its previous report (0: no check)."),
    # closing the campaign: the daily cut-off, commitments, units to summon, weekly roll-up, report to the Chairman
    "reason.missed_commitment": ("không hoàn thành như cam kết ngày {date}", "did not finish as committed by {date}"),
    "cutoff.bad_time": ("Giờ chốt không hợp lệ: '{value}' (ví dụ 17:00)", "Invalid cut-off time: '{value}' (e.g. 17:00)"),
    "nav.cutoff": ("Báo cáo {time}", "{time} report"),
    "cutoff.title": ("Báo cáo {time} hằng ngày", "The daily {time} report"),
    "cutoff.intro": ("Đơn vị \"đã báo cáo\" ngày {date} khi báo cáo của ngày đó được tải lên trước hoặc đúng {time} "
                     "(giờ Việt Nam). Xã đã hoàn thành 100 % trước ngày này không phải báo cáo.",
                     "A commune \"reported\" on {date} when its report for that day was uploaded by {time} "
                     "(Vietnam time). Communes already at 100 % before that day have nothing to report."),
    "cutoff.not_yet": ("Chưa đến giờ chốt {time}: danh sách dưới đây tính đến lúc này.",
                       "The {time} cut-off has not passed yet: the list below is as of now."),
    "cutoff.kpi_on_time": ("Báo cáo đúng giờ", "Reported on time"),
    "cutoff.kpi_late": ("Báo cáo sau giờ chốt", "Reported after the cut-off"),
    "cutoff.kpi_missing": ("Chưa báo cáo", "Not reported"),
    "cutoff.kpi_done": ("Đã hoàn thành trước đó", "Already complete"),
    "cutoff.list": ("Xã chưa báo cáo trước {time} ngày {date}: {count}", "Communes without a report by {time} on {date}: {count}"),
    "cutoff.all_in": ("Tất cả các xã đã báo cáo đúng giờ.", "Every commune reported on time."),
    "cutoff.copy_title": ("Nội dung gửi nhóm (bấm biểu tượng sao chép ở góc phải)",
                          "Text for the chat group (click the copy icon at the right)"),
    "cutoff.col_status": ("Tình trạng", "Status"),
    "cutoff.col_arrived": ("Thời điểm báo cáo", "Reported at"),
    "cutoff.status.on_time": ("Đúng giờ", "On time"),
    "cutoff.status.late": ("Sau giờ chốt", "After the cut-off"),
    "cutoff.status.missing": ("Chưa báo cáo", "Not reported"),
    "cutoff.text_title": ("DANH SÁCH ĐƠN VỊ CHƯA BÁO CÁO SỐ HÓA SỔ HỘ TỊCH",
                          "COMMUNES WITHOUT A CIVIL-STATUS DIGITIZATION REPORT"),
    "cutoff.text_as_of": ("(số liệu đến {time} ngày {date})", "(figures as of {time} on {date})"),
    "cutoff.text_count": ("{province}: {count}/{total} xã chưa báo cáo.", "{province}: {count} of {total} communes have not reported."),
    "cutoff.text_all_in": ("Tất cả các xã đã báo cáo đúng giờ.", "Every commune reported on time."),
    "cutoff.text_district": ("{district} ({count} xã):", "{district} ({count}):"),
    "cutoff.text_late_item": ("{commune} (báo cáo lúc {time})", "{commune} (reported at {time})"),
    "cutoff.text_late_note": ("Trong đó {count} xã báo cáo sau {time}.", "Of these, {count} reported after {time}."),
    "settings.cutoff": ("Giờ chốt báo cáo hằng ngày (giờ Việt Nam)", "Daily report cut-off (Vietnam time)"),
    "settings.cutoff_help": ("Báo cáo của một ngày tải lên sau giờ này được tính là báo cáo muộn (mặc định 17:00).",
                             "A day's report uploaded after this time counts as late (default 17:00)."),
    "commit.title": ("Cam kết hoàn thành", "Completion commitments"),
    "commit.intro": ("Mỗi ngày cam kết trong giải trình: đã thực hiện (đạt 100 % trong báo cáo đến hết ngày cam kết), "
                     "không thực hiện (đã qua ngày cam kết) hoặc chưa đến hạn.",
                     "Each committed date of an explanation: kept (100 % in a report dated by that day), missed "
                     "(the day has passed) or due."),
    "commit.none": ("Chưa có cam kết nào.", "No commitment yet."),
    "commit.counts": ("Không thực hiện: {missed} · Chưa đến hạn: {due} · Đã thực hiện: {kept}",
                      "Missed: {missed} · Due: {due} · Kept: {kept}"),
    "commit.col_committed": ("Cam kết xong ngày", "Committed date"),
    "commit.col_status": ("Kết quả", "Outcome"),
    "commit.col_completed_on": ("Ngày đạt 100 %", "Reached 100 % on"),
    "commit.status.kept": ("Đã thực hiện", "Kept"),
    "commit.status.missed": ("Không thực hiện", "Missed"),
    "commit.status.due": ("Chưa đến hạn", "Due"),
    "summon.title": ("Đơn vị phải báo cáo giải trình với tỉnh", "Units called to report to the province"),
    "summon.intro": ("Các xã chưa đạt 100 % khi đã quá hạn ({deadline}), với số liệu, phần còn thiếu, giải trình "
                     "và người chịu trách nhiệm.",
                     "Communes not at 100 % after their deadline ({deadline}), with their figures, the gap, "
                     "explanations and the persons responsible."),
    "summon.deadline": ("Hạn để xét", "Deadline applied"),
    "summon.not_yet": ("Chưa quá hạn {deadline}: chưa có đơn vị nào phải báo cáo giải trình.",
                       "The deadline {deadline} has not passed: no unit is called yet."),
    "summon.none": ("Tất cả các xã đã hoàn thành trước hạn.", "Every commune finished by the deadline."),
    "summon.count": ("{communes} xã thuộc {districts} huyện", "{communes} communes in {districts} districts"),
    "summon.count_two_level": ("{communes} đơn vị", "{communes} units"),
    "summon.download_xlsx": ("Tải danh sách triệu tập (Excel)", "Download the list (Excel)"),
    "summon.download_csv": ("Tải danh sách triệu tập (CSV)", "Download the list (CSV)"),
    "summon.sheet": ("Đơn vị phải giải trình", "Units to summon"),
    "summon.sheet_districts": ("Theo huyện", "By district"),
    "summon.xlsx_title": ("DANH SÁCH ĐƠN VỊ CHƯA HOÀN THÀNH SỐ HÓA SỔ HỘ TỊCH SAU HẠN - {province}",
                          "UNITS NOT COMPLETED AFTER THE DEADLINE - {province}"),
    "summon.xlsx_subtitle": ("{campaign} · số liệu đến ngày {date}", "{campaign} · figures as of {date}"),
    "summon.col_deadline": ("Hạn", "Deadline"),
    "summon.col_total": ("Tổng số sổ", "Books"),
    "summon.col_digitized": ("Đã số hóa", "Digitized"),
    "summon.col_remaining": ("Còn lại", "Remaining"),
    "summon.col_gap": ("Còn thiếu (điểm %)", "Gap to 100 % (points)"),
    "summon.col_missed": ("Không thực hiện cam kết ngày", "Missed commitment of"),
    "summon.col_units": ("Số xã", "Communes"),
    "summon.col_completed": ("Xã đã hoàn thành", "Communes completed"),
    "summon.col_summoned": ("Xã phải giải trình", "Communes summoned"),
    "weekly.title": ("Tiến độ theo tuần của đợt", "Weekly progress over the period"),
    "weekly.intro": ("Mỗi tuần tính từ ngày bắt đầu đợt: tỷ lệ đầu tuần (hết ngày trước đó), cuối tuần và mức tăng.",
                     "Weeks from the campaign start: completion at the start (end of the day before), at the end, "
                     "and the progress."),
    "weekly.none": ("Chưa đến ngày bắt đầu đợt.", "The period has not started."),
    "weekly.week": ("Tuần {n} ({start}–{end})", "Week {n} ({start}–{end})"),
    "weekly.col_week": ("Tuần", "Week"),
    "weekly.col_unit": ("Đơn vị", "Unit"),
    "weekly.col_start": ("Đầu tuần (%)", "Start (%)"),
    "weekly.col_end": ("Cuối tuần (%)", "End (%)"),
    "weekly.col_points": ("Tăng (điểm %)", "Progress (points)"),
    "weekly.col_books": ("Số sổ tăng", "Books digitized"),
    "weekly.col_completed": ("Xã hoàn thành", "Communes completed"),
    "weekly.download_csv": ("Tải bảng theo tuần (CSV)", "Download the weekly table (CSV)"),
    "report.kind_province": ("tỉnh", "province"),
    "report.kind_city": ("thành phố", "city"),
    "report.parent_body": ("UBND {kind} {place}", "{place} {kind} PEOPLE'S COMMITTEE"),
    "report.issuer": ("SỞ TƯ PHÁP", "DEPARTMENT OF JUSTICE"),
    "report.number": ("Số: …/BC-STP", "No.: …/BC-STP"),
    "report.motto": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "report.motto_sub": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "report.demo": ("DỮ LIỆU MẪU - KHÔNG DÙNG ĐỂ BÁO CÁO", "DEMO DATA - NOT FOR REPORTING"),
    "report.title": ("BÁO CÁO", "REPORT"),
    "report.subject": ("Kết quả số hóa sổ hộ tịch trong {campaign}\n(từ ngày {start} đến ngày {end})",
                       "Results of the civil-status book digitization in {campaign}\n({start} to {end})"),
    "report.to_province": ("Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh",
                           "To: the Chairman of the Provincial People's Committee"),
    "report.to_city": ("Kính gửi: Chủ tịch Ủy ban nhân dân thành phố",
                       "To: the Chairman of the City People's Committee"),
    "report.whole_province": ("toàn tỉnh", "the province"),
    "report.whole_city": ("toàn thành phố", "the city"),
    "report.opening": ("Thực hiện chỉ đạo của Chủ tịch Ủy ban nhân dân {kind} về việc số hóa sổ hộ tịch trong "
                       "{campaign}, Sở Tư pháp báo cáo kết quả thực hiện như sau:",
                       "As directed by the Chairman of the {kind} People's Committee on digitizing civil-status "
                       "books in {campaign}, the Department of Justice reports the results as follows:"),
    "report.sec1": ("I. KẾT QUẢ THỰC HIỆN", "I. RESULTS"),
    "report.sec1_1": ("1. Kết quả chung {whole}", "1. Overall results for {whole}"),
    "report.start_figures": ("Trước khi bắt đầu đợt (số liệu đến ngày {date}), {whole} đã số hóa {done}/{total} "
                             "sổ hộ tịch, đạt {pct}; {completed}/{units} đơn vị cấp xã đã hoàn thành.",
                             "Before the period (figures as of {date}), {whole} had digitized {done} of {total} "
                             "civil-status books ({pct}); {completed} of {units} communes had finished."),
    "report.end_figures": ("Đến ngày {date}, {whole} đã số hóa {done}/{total} sổ, đạt {pct}, tăng {gain} sổ "
                           "({points} điểm phần trăm) so với trước đợt; {completed}/{units} đơn vị cấp xã đã "
                           "hoàn thành 100 %.",
                           "By {date}, {whole} had digitized {done} of {total} books ({pct}), {gain} books "
                           "({points} percentage points) more than before the period; {completed} of {units} "
                           "communes are at 100 %."),
    "report.districts_completed": ("Số đơn vị cấp huyện hoàn thành 100 %: {completed}/{units}.",
                                   "Districts at 100 %: {completed} of {units}."),
    "report.pace": ("Tốc độ bình quân cả đợt {avg} sổ/ngày ({days} ngày); 7 ngày gần nhất {recent} sổ/ngày.",
                    "Average pace over the period: {avg} books a day ({days} days); last 7 days: {recent} a day."),
    "report.pace_before_deadline": ("Còn {remaining} sổ chưa số hóa; để hoàn thành đúng hạn ngày {deadline} cần "
                                    "{required} sổ/ngày; với tốc độ hiện nay, dự kiến hoàn thành: {projected}.",
                                    "{remaining} books remain; finishing by {deadline} needs {required} a day; at "
                                    "the current pace the projected finish is {projected}."),
    "report.no_projection": ("chưa xác định được", "not possible to estimate"),
    "report.pace_after_deadline": ("Đã hết hạn ngày {deadline}; còn {remaining} sổ chưa được số hóa.",
                                   "The deadline of {deadline} has passed; {remaining} books remain."),
    "report.sec1_2": ("2. Kết quả theo đơn vị cấp huyện", "2. Results by district"),
    "report.sec1_2_two_level": ("2. Kết quả theo đơn vị cấp xã", "2. Results by commune"),
    "report.see_annex": ("Kết quả chi tiết của từng đơn vị cấp xã tại Phụ lục kèm theo Báo cáo này.",
                         "The results of every commune are in the annex to this report."),
    "report.col_no": ("STT", "No."),
    "report.col_district": ("Đơn vị cấp huyện", "District"),
    "report.col_communes_done": ("Xã hoàn thành", "Communes done"),
    "report.col_books": ("Tổng số sổ", "Books"),
    "report.col_start_pct": ("Tỷ lệ đến {date}", "% on {date}"),
    "report.col_end_pct": ("Tỷ lệ đến {date}", "% on {date}"),
    "report.col_points": ("Tăng (điểm)", "Change (points)"),
    "report.total_province": ("Toàn tỉnh", "Province total"),
    "report.total_city": ("Toàn thành phố", "City total"),
    "report.sec2": ("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "II. SHORTCOMINGS AND CAUSES"),
    "report.sec2_1": ("1. Các đơn vị chưa hoàn thành", "1. Units not completed"),
    "report.all_completed": ("Đến ngày {date}, tất cả các đơn vị cấp xã đã hoàn thành số hóa sổ hộ tịch.",
                             "By {date}, every commune had finished digitizing its civil-status books."),
    "report.unfinished": ("Đến ngày {date}, còn {count} đơn vị cấp xã thuộc {districts} đơn vị cấp huyện chưa "
                          "hoàn thành, gồm:",
                          "By {date}, {count} communes in {districts} districts had not finished:"),
    "report.unfinished_two_level": ("Đến ngày {date}, còn {count} đơn vị cấp xã chưa hoàn thành, gồm:",
                                    "By {date}, {count} communes had not finished:"),
    "report.unfinished_district": ("- {district} ({count} xã): {items}.", "- {district} ({count}): {items}."),
    "report.item_pct": ("{commune} ({pct})", "{commune} ({pct})"),
    "report.item_never": ("{commune} (chưa báo cáo)", "{commune} (no report)"),
    "report.sec2_2": ("2. Giải trình của các đơn vị và người chịu trách nhiệm",
                      "2. The units' explanations and the persons responsible"),
    "report.no_unfinished_explanations": ("Không có đơn vị phải giải trình.", "No unit has to explain."),
    "report.expl_reason": ("{unit}: {reason}", "{unit}: {reason}"),
    "report.expl_commit": ("cam kết hoàn thành ngày {date}", "committed to finish by {date}"),
    "report.expl_person": ("người chịu trách nhiệm: {person}", "responsible: {person}"),
    "report.expl_no_person": ("chưa xác định", "not named"),
    "report.not_explained": ("Các đơn vị còn lại ({count}) chưa gửi giải trình.",
                             "The other units ({count}) have not explained yet."),
    "report.none_explained": ("Chưa có đơn vị nào gửi giải trình.", "No unit has explained yet."),
    "report.unit_in_district": ("{commune} ({district})", "{commune} ({district})"),
    "report.sec2_3": ("3. Các đơn vị không thực hiện đúng cam kết", "3. Commitments not kept"),
    "report.no_missed": ("Không có đơn vị nào không thực hiện đúng cam kết.", "Every commitment that fell due was kept."),
    "report.missed_item": ("{unit}: cam kết hoàn thành ngày {committed}, đến ngày {date} đạt {pct}; người chịu "
                           "trách nhiệm: {person}.",
                           "{unit}: committed to finish by {committed}, at {pct} on {date}; responsible: {person}."),
    "report.sec2_4": ("4. Nguyên nhân", "4. Causes"),
    "report.causes_placeholder": ("[Nêu nguyên nhân chủ quan, khách quan của những tồn tại, hạn chế.]",
                                  "[State the causes of these shortcomings.]"),
    "report.sec3": ("III. ĐỀ XUẤT, KIẾN NGHỊ", "III. PROPOSALS AND RECOMMENDATIONS"),
    "report.proposals_placeholder": ("[Sở Tư pháp đề xuất, kiến nghị: …]",
                                     "[The Department's proposals and recommendations: …]"),
    "report.closing_province": ("Trên đây là báo cáo kết quả số hóa sổ hộ tịch, Sở Tư pháp kính báo cáo Chủ tịch "
                                "Ủy ban nhân dân tỉnh xem xét, chỉ đạo./.",
                                "The Department of Justice respectfully submits this report to the Chairman of "
                                "the Provincial People's Committee."),
    "report.closing_city": ("Trên đây là báo cáo kết quả số hóa sổ hộ tịch, Sở Tư pháp kính báo cáo Chủ tịch "
                            "Ủy ban nhân dân thành phố xem xét, chỉ đạo./.",
                            "The Department of Justice respectfully submits this report to the Chairman of "
                            "the City People's Committee."),
    "report.recipients": ("Nơi nhận:", "Recipients:"),
    "report.recipients_list": ("- Như trên;\n- Lưu: VT.", "- As above;\n- Archive."),
    "report.signer_title": ("GIÁM ĐỐC", "DIRECTOR"),
    "report.signer_note": ("[Chữ ký, dấu]", "[Signature, seal]"),
    "report.signer_name": ("[Họ và tên]", "[Full name]"),
    "report.annex": ("Phụ lục", "Annex"),
    "report.annex_title": ("KẾT QUẢ SỐ HÓA SỔ HỘ TỊCH CỦA CÁC ĐƠN VỊ CẤP XÃ\n(từ ngày {start} đến ngày {end})",
                           "CIVIL-STATUS BOOK DIGITIZATION BY COMMUNE\n({start} to {end})"),
    "report.annex_ref": ("(Kèm theo Báo cáo số …/BC-STP ngày {date} của Sở Tư pháp)",
                         "(Attached to Report No. …/BC-STP of {date} of the Department of Justice)"),
    "report.col_unit": ("Đơn vị", "Unit"),
    "report.col_start_done": ("Đã số hóa đến {date}", "Digitized by {date}"),
    "report.col_end_done": ("Đã số hóa đến {date}", "Digitized by {date}"),
    "report.col_gain": ("Tăng trong đợt (sổ)", "Digitized in the period"),
    "report.col_last_report": ("Báo cáo gần nhất", "Last report"),
    "report.col_status": ("Tình trạng", "Status"),
    "report.state_done": ("Hoàn thành", "Done"),
    "report.state_open": ("Chưa hoàn thành", "Not done"),
    "report.state_never": ("Chưa báo cáo", "No report"),
    "report.state_units": ("{done}/{total} xã hoàn thành", "{done}/{total} communes done"),
    "report.annex_weekly": ("TIẾN ĐỘ THEO TUẦN", "WEEKLY PROGRESS"),
    "report.col_period_start": ("Trước đợt", "Before the period"),
    "report.col_week_end": ("{week}: tỷ lệ cuối tuần", "{week}: end of week"),
    "report.col_week_gain": ("Tăng trong tuần", "Progress in the week"),
    "report.week_gain_cell": ("{books} sổ ({points} điểm)", "{books} books ({points} pts)"),
    "report.weekly_note": ("Tỷ lệ = số sổ đã số hóa / tổng số sổ của các xã đã báo cáo; đầu tuần là số liệu hết "
                           "ngày trước đó.",
                           "Completion = books digitized / books of the communes that reported; a week starts "
                           "from the figures at the end of the day before."),
    "report.annex_charts": ("BIỂU ĐỒ", "CHARTS"),
    "report.no_charts": ("Báo cáo được tạo không kèm biểu đồ: {reason}", "The report was made without charts: {reason}"),
    "report.button": ("Báo cáo Chủ tịch UBND (Word)", "Report to the Chairman (Word)"),
    "report.help": ("Báo cáo theo thể thức Nghị định 30/2020/NĐ-CP, số liệu đến ngày đang xem; mở bằng Word để "
                    "hoàn thiện phần nguyên nhân và đề xuất.",
                    "A report in the form of Decree 30/2020, figures as of the day shown; open it in Word to "
                    "write the causes and proposals."),
    "report.written": ("Đã ghi {file} ({size} KB, {seconds} giây).", "Wrote {file} ({size} KB, {seconds} s)."),
    "report.bad_out": ("Tệp báo cáo phải có đuôi .docx: {file}", "The report file must end in .docx: {file}"),
    # gazetteer: official unit lists by date (structures) and their conversion
    "gazetteer.unknown_province": ("Không tìm thấy tỉnh “{province}” trong danh mục {structure}. Gần giống: {candidates}",
                                   "No province “{province}” in the {structure} list. Closest: {candidates}"),
    "gazetteer.unknown_structure": ("Không có danh mục đơn vị hành chính “{structure}” (có: {known})",
                                    "No administrative unit list “{structure}” (available: {known})"),
    "gazetteer.no_conversion": ("Không có bảng chuyển đổi từ danh mục {source} sang {target} (có: {known})",
                                "No conversion from the {source} list to the {target} list (available: {known})"),
    # map chart
    "chart.commune_map": ("Bản đồ tiến độ các xã", "Communes on the map"),
    "chart.map_missing": ("{count} xã không có tọa độ nên không hiện trên bản đồ",
                          "{count} communes without coordinates are not on the map"),
    "chart.map_records_total": ("Tổng số trường hợp", "Records in total"),
    "chart.map_off_frame": ("Ngoài khung (thu phóng để xem): {names}", "Outside the frame (zoom out to see): {names}"),
    # unit structures (versions of the unit list in time)
    "structure.unknown": ("Không có danh mục đơn vị {structure}.", "There is no unit list {structure}."),
    "structure.no_provinces": ("Danh mục đơn vị {structure} chưa có tỉnh nào.", "The unit list {structure} holds no province."),
    "structure.no_province": ("Không tìm thấy đơn vị tương ứng với {province} trong danh mục {structure}.",
                              "No unit corresponds to {province} in the unit list {structure}."),
    "units.mapping_columns": ("Tệp đối chiếu {file} cần các cột old_commune_code và new_commune_code.",
                              "The mapping file {file} needs the columns old_commune_code and new_commune_code."),
    "units.mapping_row": ("Tệp đối chiếu {file}, dòng {row}: thiếu mã xã cũ hoặc mới.",
                          "Mapping file {file}, row {row}: the old or the new commune code is missing."),
    "units.version_exists": ("Đã có danh mục đơn vị áp dụng từ {day}; dùng lệnh units không có --from để thay.",
                             "A unit list from {day} is already in force; use units without --from to replace it."),
    "units.mapping_needs_from": ("--mapping chỉ dùng cùng --from NGÀY.", "--mapping is used only with --from DATE."),
    "cli.setup_done": ("Đã thiết lập: {province} (danh mục {structure}). Các danh mục: {structures}.",
                       "Set up: {province} (unit list {structure}). Unit lists: {structures}."),
    "cli.version_loaded": ("Đã thêm danh mục áp dụng từ {day}: {communes} xã; {links} xã nối với danh mục {from_structure}.",
                           "Added the unit list from {day}: {communes} communes; {links} linked to the list {from_structure}."),
    "check.older_structure": ("Tệp được đọc theo {structure} (mã và tên xã khớp danh mục này), không theo {current} đang áp dụng cho ngày báo cáo.",
                              "The file was read in the {structure} (its codes and names fit it), not in the {current} in force on its report date."),
    "fix.older_structure": ("Kiểm tra lại các xã đã sáp nhập; lần sau dùng mẫu báo cáo mới.",
                            "Check the merged communes; next time use the current template."),
    "sidebar.structure": ("Danh mục đơn vị", "Unit structure"),
    "structure.newer_reports": ("{count} báo cáo lập theo danh mục mới hơn không được tính trong danh mục này.",
                                "{count} reports made in a newer unit list are not counted in this one."),
    # import: files as offices make them (district's own report, blank template rows, two columns of a figure)
    "check.district_from_title": ("Tệp không có cột Huyện: các xã được đọc là của {district}, theo dòng tiêu đề "
                                  "«{text}»",
                                  "The file has no district column: its communes are read as those of {district}, "
                                  "from the title line «{text}»"),
    "check.district_from_file_name": ("Tệp không có cột Huyện: các xã được đọc là của {district}, theo tên tệp "
                                      "«{text}»",
                                      "The file has no district column: its communes are read as those of "
                                      "{district}, from the file name «{text}»"),
    "fix.district_from_file": ("Kiểm tra đúng huyện; nếu không, thêm cột Huyện (hoặc Mã xã) vào tệp",
                               "Check that this is the right district; if not, add a Huyện (district) or Mã xã "
                               "(commune code) column"),
    "check.rows_without_figures": ("{count} dòng có tên hoặc mã xã nhưng không có số liệu: bỏ qua",
                                   "{count} rows with a commune name or code but no figures: skipped"),
    "fix.rows_without_figures": ("Không cần làm gì nếu các xã này chưa báo cáo; nếu có, điền số liệu rồi tải lại",
                                 "Nothing to do if these communes have not reported; otherwise fill in their "
                                 "figures and upload again"),
    "check.columns_same_kind": ("Có nhiều cột «{kind}»: {columns}; không rõ lấy cột nào",
                                "Several «{kind}» columns: {columns}; it is not clear which one to read"),
    "fix.columns_same_kind": ("Xóa cột cũ, hoặc ghi ngày vào tiêu đề cột (ví dụ «Đã số hóa đến 25/02»)",
                              "Delete the old column, or put its date in the header (e.g. «Đã số hóa đến 25/02»)"),
    "check.column_chosen": ("Có nhiều cột «{kind}» ({columns}): đã đọc cột {chosen}",
                            "Several «{kind}» columns ({columns}): read {chosen}"),
    "fix.column_chosen": ("Kiểm tra đúng cột của ngày báo cáo; nếu không, xóa cột cũ rồi tải lại",
                          "Check that this is the report date's column; if not, delete the other one and upload "
                          "again"),
    # sign-in throttling and refused writes: every refusal names what was refused
    "auth.bad_login_wait": ("Chưa đăng nhập được: sai tên đăng nhập hoặc mật khẩu, hoặc đã sai nhiều lần. "
                            "Hãy thử lại sau {seconds} giây.",
                            "Not signed in: wrong user name or password, or too many failures. "
                            "Try again in {seconds} seconds."),
    "auth.unlocked": ("Đã bỏ thời gian chờ đăng nhập của {name} ({rows} mục).",
                      "Sign-in waits of {name} lifted ({rows} entries)."),
    "auth.forbidden.view": ("Tài khoản {user} (vai trò {role}) không được xem số liệu.",
                            "Account {user} (role {role}) may not see the figures."),
    "auth.forbidden.upload": ("Tài khoản {user} (vai trò {role}) không được tải lên số liệu. Không ghi gì.",
                              "Account {user} (role {role}) may not upload figures. Nothing written."),
    "auth.forbidden.withdraw": ("Tài khoản {user} (vai trò {role}) không được rút lần tải lên. Không rút gì.",
                                "Account {user} (role {role}) may not withdraw uploads. Nothing withdrawn."),
    "auth.forbidden.explain": ("Tài khoản {user} (vai trò {role}) không được ghi hoặc xóa giải trình.",
                               "Account {user} (role {role}) may not record or delete explanations."),
    "auth.forbidden.alias": ("Tài khoản {user} (vai trò {role}) không được lưu tên gọi của đơn vị.",
                             "Account {user} (role {role}) may not save names of units."),
    "auth.forbidden.settings": ("Tài khoản {user} (vai trò {role}) không được thay đổi cài đặt.",
                                "Account {user} (role {role}) may not change the settings."),
    "auth.forbidden.campaign": ("Tài khoản {user} (vai trò {role}) không được thay đổi đợt cao điểm.",
                                "Account {user} (role {role}) may not change the campaign."),
    "auth.forbidden.units": ("Tài khoản {user} (vai trò {role}) không được thay đổi danh mục đơn vị.",
                             "Account {user} (role {role}) may not change the unit list."),
    "auth.forbidden.users": ("Tài khoản {user} (vai trò {role}) không được quản lý tài khoản.",
                             "Account {user} (role {role}) may not manage accounts."),
    "auth.forbidden.audit": ("Tài khoản {user} (vai trò {role}) không được xem nhật ký.",
                             "Account {user} (role {role}) may not read the audit log."),
    "auth.forbidden.demo": ("Tài khoản {user} (vai trò {role}) không được tạo dữ liệu mẫu.",
                            "Account {user} (role {role}) may not create demo data."),
    "auth.forbidden.restore": ("Tài khoản {user} (vai trò {role}) không được khôi phục bản sao lưu.",
                               "Account {user} (role {role}) may not restore a backup."),
    "auth.outside.upload": ("Tài khoản {user} không được giao {count} xã trong tệp: {communes}. Không ghi gì.",
                            "Account {user} is not assigned {count} commune(s) of the file: {communes}. "
                            "Nothing written."),
    "auth.outside.withdraw": ("Tài khoản {user} không được giao {count} xã của lần tải lên số {upload_id}: "
                              "{communes}. Không rút gì.",
                              "Account {user} is not assigned {count} commune(s) of upload {upload_id}: "
                              "{communes}. Nothing withdrawn."),
    "auth.outside.explain": ("Tài khoản {user} không được giao xã {communes}: giải trình không được ghi hoặc xóa.",
                             "Account {user} is not assigned commune {communes}: the explanation is not recorded "
                             "or deleted."),
    "auth.outside.alias": ("Tài khoản {user} không được giao xã {communes}: tên gọi không được lưu.",
                           "Account {user} is not assigned commune {communes}: the name is not saved."),
    # hostile input: control characters refused where text comes in
    "units.control_char": ("Tệp danh mục {file}, dòng {row}, cột {column}: có ký tự điều khiển không in được "
                           "({char}, ký tự thứ {position}). Hãy xoá ký tự đó (thường lẫn vào khi sao chép từ "
                           "Word hoặc phần mềm khác) rồi tải lại tệp.",
                           "Unit list {file}, row {row}, column {column}: an invisible control character "
                           "({char}, character {position}). Delete it (it usually comes in when copying from "
                           "Word or another program) and upload the file again."),
    "campaign.name_control": ("Tên đợt có ký tự điều khiển không in được ({char}, ký tự thứ {position}); "
                              "hãy xoá ký tự đó rồi lưu lại",
                              "The campaign name holds an invisible control character ({char}, character "
                              "{position}); delete it and save again"),
    "explain.reason_control": ("Lý do có ký tự điều khiển không in được ({char}, ký tự thứ {position}), "
                               "thường lẫn vào khi sao chép từ Word; hãy xoá ký tự đó (hoặc gõ lại đoạn đó) "
                               "rồi lưu lại",
                               "The reason holds an invisible control character ({char}, character "
                               "{position}), usually from copying out of Word; delete it (or retype that "
                               "passage) and save again"),
    "explain.responsible_control": ("Tên người chịu trách nhiệm có ký tự điều khiển không in được ({char}, "
                                    "ký tự thứ {position}); hãy xoá ký tự đó rồi lưu lại",
                                    "The responsible person's name holds an invisible control character "
                                    "({char}, character {position}); delete it and save again"),
    # the country and the maps
    "nav.national": ("Toàn quốc", "Country"),
    "nav.map": ("Bản đồ", "Map"),
    "national.title": ("Tiến độ toàn quốc", "Progress across the country"),
    "national.place": ("Toàn quốc", "Whole country"),
    "national.scope": ("Các tỉnh, thành phố theo {structure}; số liệu đến ngày {date}.",
                       "Provinces in the {structure}; figures as of {date}."),
    "national.provinces_reporting": ("Tỉnh có số liệu", "Provinces with figures"),
    "national.of_total": ("trên {total}", "of {total}"),
    "national.pick": ("Xem chi tiết một tỉnh", "Open one province"),
    "national.open": ("Mở tỉnh", "Open"),
    "national.trend": ("Tiến độ toàn quốc so với kế hoạch", "Country progress against plan"),
    "national.ranking": ("Xếp hạng các tỉnh, thành phố", "Provinces ranked"),
    "national.map": ("Bản đồ các xã toàn quốc", "Communes across the country"),
    "map.title": ("Bản đồ tiến độ", "Progress map"),
    "map.province_title": ("Bản đồ tiến độ các xã", "Progress of the communes"),
    "map.missing": ("{count} xã chưa có tọa độ nên không hiện trên bản đồ.",
                    "{count} communes have no coordinates and are not on the map."),
    "col.province": ("Tỉnh/thành phố", "Province"),
    "col.reporting_rate": ("Tỷ lệ báo cáo (%)", "Reporting rate (%)"),
    "col.communes_reporting": ("Xã báo cáo trong ngày", "Communes reporting on the day"),

    "setup.province_needed": ("Cần chọn tỉnh: setup --province \"Tên tỉnh\".", "Give the province: setup --province \"Name\"."),

    # deadlines of single districts and communes
    "deadline.bad_level": ("Chỉ đặt hạn riêng cho huyện hoặc xã (không phải {level}).",
                           "Own deadlines are for districts or communes only (not {level})."),
    "deadline.unknown_unit": ("Không có huyện hoặc xã mã {unit} trong tỉnh.", "No district or commune {unit} in the province."),
    "deadline.before_start": ("Hạn riêng {deadline} phải sau ngày bắt đầu đợt {start}.",
                              "The deadline {deadline} must come after the campaign start {start}."),
    "deadline.needed": ("Cần --deadline NGÀY (hoặc --clear).", "Give --deadline DATE (or --clear)."),
    "settings.unit_deadlines": ("Hạn riêng của huyện, xã", "Deadlines of single districts and communes"),
    "settings.unit_deadlines_help": ("Đơn vị có hạn riêng được lập kế hoạch, tính tốc độ cần đạt và xét chậm tiến độ theo hạn của mình.",
                                     "A unit with its own deadline is planned, paced and judged against it."),
    "settings.unit_pick": ("Đơn vị", "Unit"),
    "settings.unit_deadline": ("Hạn riêng", "Own deadline"),
    "settings.unit_deadline_save": ("Lưu hạn riêng", "Save the deadline"),
    "settings.unit_deadline_clear": ("Bỏ hạn riêng", "Remove the deadline"),
    "settings.unit_deadline_saved": ("Đã lưu hạn riêng.", "Deadline saved."),
    "settings.no_unit_deadlines": ("Chưa có đơn vị nào có hạn riêng: mọi đơn vị theo hạn chót của đợt.",
                                   "No unit has its own deadline: every unit follows the campaign's."),
    "col.deadline": ("Hạn", "Deadline"),
    "col.level": ("Cấp", "Level"),
    "kpi.own_deadline": ("Hạn riêng {date}", "Own deadline {date}"),

    "level.district": ("Huyện", "District"),
    "level.commune": ("Xã", "Commune"),
    "col.unit": ("Đơn vị", "Unit"),
    "settings.setup": ("Thiết lập cho tỉnh, thành phố", "Set up for a province"),
    "settings.setup_help": ("Nạp danh mục đơn vị của cả nước (01/01/2025 và 01/07/2025) và chọn tỉnh hiển thị đầu tiên. "
                            "Số liệu đã có được giữ nguyên.",
                            "Loads the unit lists of the whole country (1 Jan 2025 and 1 Jul 2025) and chooses the "
                            "province shown first. Figures already loaded stay."),
    "settings.setup_structure": ("Danh mục đơn vị", "Unit list"),
    "settings.setup_province": ("Tỉnh, thành phố", "Province"),
    "settings.setup_apply": ("Thiết lập", "Set up"),
    "settings.setup_done": ("Đã thiết lập: {province} ({structure}).", "Set up: {province} ({structure})."),

    # hostile workbooks: a sheet's extent is checked before it is read
    "read.far_cell": ("Trang tính «{sheet}» có dữ liệu ở ô {cell}, vượt giới hạn đọc ({max_rows} dòng, {max_cols} cột)",
                      "Sheet «{sheet}» has data at cell {cell}, beyond what can be read ({max_rows} rows, "
                      "{max_cols} columns)"),
    "read.sheet_area": ("Vùng dữ liệu của trang tính «{sheet}» quá lớn để đọc: từ ô A1 đến ô {cell} ({rows} dòng × "
                        "{cols} cột; cả tệp tối đa {limit} ô)",
                        "The data area of sheet «{sheet}» is too large to read: from A1 to {cell} ({rows} rows × "
                        "{cols} columns; at most {limit} cells in a file)"),
    "fix.stray_cells": ("Xóa các ô thừa ở xa bảng (chọn các dòng, cột trống sau bảng và xóa hẳn), hoặc chép bảng "
                        "sang một trang tính mới, rồi gửi lại",
                        "Delete the stray cells far from the table (select the empty rows and columns after the "
                        "table and delete them), or copy the table to a new sheet, then send the file again"),
    # dates taken from the URL or the command line are bounded by the data
    "sidebar.as_of_clamped": ("Ngày {asked} trong đường dẫn nằm ngoài khoảng có số liệu ({low} – {high}): đang "
                              "hiển thị ngày {shown}.",
                              "The date {asked} in the link is outside the span of the data ({low} – {high}): "
                              "showing {shown}."),
    "sidebar.as_of_invalid": ("Ngày «{asked}» trong đường dẫn không hợp lệ (cần dạng năm-tháng-ngày, ví dụ "
                              "2025-03-05): đang hiển thị ngày {shown}.",
                              "The date «{asked}» in the link is not valid (expected year-month-day, e.g. "
                              "2025-03-05): showing {shown}."),
    "cli.as_of_out_of_range": ("Ngày --as-of {as_of} nằm ngoài khoảng có số liệu: chọn một ngày từ {low} đến {high}",
                               "--as-of {as_of} is outside the span of the data: pick a day from {low} to {high}"),
    "campaign.out_of_range": ("Ngày bắt đầu và hạn chót phải trong khoảng {low} – {high}",
                              "The start and the deadline must lie between {low} and {high}"),
    "campaign.too_long": ("Đợt số hóa dài quá {days} ngày ({start} – {deadline}): kiểm tra lại ngày",
                          "The campaign is longer than {days} days ({start} – {deadline}): check the dates"),
    "under.worst": ("Các xã chậm nhất (như trong báo cáo nhanh; {count} xã bị nêu tên)",
                    "The communes furthest behind (as in the daily brief; {count} flagged)"),

    # the measure (records or books): the ".records" wording of every text that names the unit of count
    "kpi.completion_help.records": ("Tổng số trường hợp đã số hóa / tổng số trường hợp của các xã đã báo cáo "
                                    "(có chỉ tiêu trường hợp)",
                                    "Records digitized / records in total, over the communes that reported "
                                    "(with a records target)"),
    "kpi.books.records": ("Trường hợp đã số hóa / tổng số", "Records digitized / total"),
    "kpi.per_day.records": ("{value} trường hợp/ngày", "{value} records/day"),
    "chart.per_day.records": ("Trường hợp số hóa trong ngày", "Records digitized per day"),
    "chart.books_axis.records": ("Số trường hợp", "Records"),
    "col.books_total.records": ("Tổng số trường hợp", "Records in total"),
    "col.books_digitized.records": ("Số trường hợp đã số hóa", "Records digitized"),
    "kpi.books_total.records": ("trên tổng số {total} trường hợp", "of {total} records"),
    "kpi.books_short.records": ("Trường hợp đã số hóa", "Records digitized"),
    "kpi.required_short.records": ("Cần đạt (trường hợp/ngày)", "Needed (records/day)"),
    "kpi.recent_short.records": ("Tốc độ 7 ngày (trường hợp/ngày)", "7-day pace (records/day)"),
    "loc.pace_help.records": ("Số trường hợp số hóa bình quân mỗi ngày trong 7 ngày qua",
                              "Records digitized per day, last 7 days"),
    "loc.needed_help.records": ("Số trường hợp cần số hóa mỗi ngày để xong đúng hạn",
                                "Records per day needed to finish on time"),
    "loc.trend_help.records": ("Số trường hợp số hóa mỗi ngày trong 14 ngày gần nhất",
                               "Records digitized per day, last 14 days"),
    "loc.treemap.records": ("Số trường hợp theo huyện và xã, màu theo tình trạng",
                            "Records by district and commune, coloured by status"),
    "loc.treemap_help.records": ("Diện tích ô tỷ lệ với tổng số trường hợp; bấm vào một huyện để xem các xã.",
                                 "Area is proportional to records in total; click a district to see its communes."),
    "loc.heatmap.records": ("Số trường hợp số hóa mỗi ngày theo xã", "Records digitized per day by commune"),
    "col.pace7.records": ("Tốc độ 7 ngày (trường hợp/ngày)", "7-day pace (records/day)"),
    "col.needed.records": ("Cần đạt (trường hợp/ngày)", "Needed (records/day)"),
    "summon.col_total.records": ("Tổng số trường hợp", "Records"),
    "weekly.col_books.records": ("Số trường hợp tăng", "Records digitized"),
    "report.start_figures.records": ("Trước khi bắt đầu đợt (số liệu đến ngày {date}), {whole} đã số hóa "
                                     "{done}/{total} trường hợp hộ tịch, đạt {pct}; {completed}/{units} đơn vị "
                                     "cấp xã đã hoàn thành.",
                                     "Before the period (figures as of {date}), {whole} had digitized {done} of "
                                     "{total} civil-status records ({pct}); {completed} of {units} communes had "
                                     "finished."),
    "report.end_figures.records": ("Đến ngày {date}, {whole} đã số hóa {done}/{total} trường hợp, đạt {pct}, tăng "
                                   "{gain} trường hợp ({points} điểm phần trăm) so với trước đợt; {completed}/{units} "
                                   "đơn vị cấp xã đã hoàn thành 100 %.",
                                   "By {date}, {whole} had digitized {done} of {total} records ({pct}), {gain} "
                                   "records ({points} percentage points) more than before the period; {completed} "
                                   "of {units} communes are at 100 %."),
    "report.pace.records": ("Tốc độ bình quân cả đợt {avg} trường hợp/ngày ({days} ngày); 7 ngày gần nhất {recent} "
                            "trường hợp/ngày.",
                            "Average pace over the period: {avg} records a day ({days} days); last 7 days: "
                            "{recent} a day."),
    "report.pace_before_deadline.records": ("Còn {remaining} trường hợp chưa số hóa; để hoàn thành đúng hạn ngày "
                                            "{deadline} cần {required} trường hợp/ngày; với tốc độ hiện nay, dự kiến "
                                            "hoàn thành: {projected}.",
                                            "{remaining} records remain; finishing by {deadline} needs {required} a "
                                            "day; at the current pace the projected finish is {projected}."),
    "report.pace_after_deadline.records": ("Đã hết hạn ngày {deadline}; còn {remaining} trường hợp chưa được số hóa.",
                                           "The deadline of {deadline} has passed; {remaining} records remain."),
    "report.col_books.records": ("Tổng số trường hợp", "Records"),
    "report.col_gain.records": ("Tăng trong đợt (trường hợp)", "Digitized in the period (records)"),
    "report.week_gain_cell.records": ("{books} trường hợp ({points} điểm)", "{books} records ({points} pts)"),
    "report.weekly_note.records": ("Tỷ lệ = số trường hợp đã số hóa / tổng số trường hợp của các xã đã báo cáo "
                                   "(có chỉ tiêu trường hợp); đầu tuần là số liệu hết ngày trước đó.",
                                   "Completion = records digitized / records of the communes that reported (with "
                                   "a records target); a week starts from the figures at the end of the day "
                                   "before."),
    "measure.no_target": ("{count} xã đã báo cáo nhưng chưa có tổng số trường hợp: không tính vào tỷ lệ theo "
                          "trường hợp (xem theo số sổ để thấy các xã này).",
                          "{count} communes reported without records in total: they are left out of the "
                          "completion in records (count in books to see them)."),
    "settings.measure": ("Đơn vị tính mặc định", "Default measure"),
    "settings.measure_help": ("Số liệu của đợt được tính theo trường hợp hay theo sổ khi người xem chưa chọn",
                              "Whether the campaign's figures count records or books when the viewer has not "
                              "chosen"),
    "campaign.bad_measure": ("Đơn vị tính «{value}» không hợp lệ; chọn một trong: {measures}",
                             "Unknown measure «{value}»; choose one of: {measures}"),
    "col.records_total": ("Tổng số trường hợp", "Records in total"),
    "check.records_over_total": ("Số trường hợp đã số hóa lớn hơn tổng số trường hợp ({total})",
                                 "Records digitized exceed records in total ({total})"),
    # PostgreSQL backend and migrate
    "db.unreachable": ("Không kết nối được PostgreSQL {url} sau {seconds} giây: kiểm tra máy chủ, địa chỉ và mật khẩu",
                       "Could not reach PostgreSQL {url} within {seconds} s: check the server, the URL and the password"),
    "migrate.target": ("Đích chuyển dữ liệu phải là địa chỉ PostgreSQL (postgresql://…), không phải «{target}»",
                       "The target of migrate must be a PostgreSQL URL (postgresql://…), not «{target}»"),
    "migrate.source": ("Nguồn chuyển dữ liệu phải là một tệp DuckDB có sẵn, không phải «{source}»",
                       "The source of migrate must be an existing DuckDB file, not «{source}»"),
    "backup.postgresql": ("Cơ sở dữ liệu PostgreSQL được sao lưu bằng pg_dump và khôi phục bằng pg_restore "
                          "(xem README, mục PostgreSQL)",
                          "A PostgreSQL database is backed up with pg_dump and restored with pg_restore "
                          "(see the README, PostgreSQL section)"),
    # phone and laptop layout: the compact summary a phone shows first, URL-bound views
    "phone.as_of": ("Số liệu đến **{date}**", "Figures as of **{date}**"),
    "phone.completion": ("Hoàn thành **{value}**", "Completion **{value}**"),
    "phone.days_left": ("Còn **{value}** ({working})", "**{value}** left ({working})"),
    "phone.pace": ("Cần **{needed}** sổ/ngày · 7 ngày qua **{recent}** sổ/ngày",
                   "Needed **{needed}** books/day · last 7 days **{recent}** books/day"),
    "phone.pace.records": ("Cần **{needed}** trường hợp/ngày · 7 ngày qua **{recent}** trường hợp/ngày",
                           "Needed **{needed}** records/day · last 7 days **{recent}** records/day"),
    "phone.projected": ("Dự kiến hoàn thành **{value}** ({note})", "Projected finish **{value}** ({note})"),
    "phone.as_of_span": ("Có số liệu từ {low} đến {high}. Gõ ngày/tháng/năm rồi bấm Enter (hoặc chọn trên lịch).",
                         "Figures from {low} to {high}. Type day/month/year, then press Enter (or pick on the calendar)."),
    "phone.as_of_typed_outside": ("Ngày {asked} nằm ngoài khoảng có số liệu ({low} – {high}): đang hiển thị ngày {shown}.",
                                  "{asked} is outside the span of the data ({low} – {high}): showing {shown}."),
    # the sidebar's as-of date field and calendar (ui/datefield.py)
    "datefield.malformed": ("«{asked}» không phải là ngày hợp lệ. Hãy gõ ngày/tháng/năm, ví dụ 05/03/2025. "
                            "Vẫn đang hiển thị số liệu ngày {shown}.",
                            "«{asked}» is not a valid date. Type day/month/year, e.g. 05/03/2025. "
                            "Still showing the figures of {shown}."),
    "datefield.placeholder": ("ngày/tháng/năm", "day/month/year"),
    "datefield.calendar": ("Chọn trên lịch", "Pick on the calendar"),
    "datefield.month": ("Tháng {month}/{year}", "{month} {year}"),  # the month's number, its name in English
    "datefield.prev": ("Tháng trước", "Previous month"),
    "datefield.next": ("Tháng sau", "Next month"),
    "datefield.mon": ("T2", "Mo"),
    "datefield.tue": ("T3", "Tu"),
    "datefield.wed": ("T4", "We"),
    "datefield.thu": ("T5", "Th"),
    "datefield.fri": ("T6", "Fr"),
    "datefield.sat": ("T7", "Sa"),
    "datefield.sun": ("CN", "Su"),
    # the pages' own date fields (ui/datefield.py date_field): refused text and days, an empty optional field
    "datefield.malformed_kept": ("«{asked}» không phải là ngày hợp lệ. Hãy gõ ngày/tháng/năm, ví dụ 05/03/2025. "
                                 "Ô vẫn giữ: {kept}.",
                                 "«{asked}» is not a valid date. Type day/month/year, e.g. 05/03/2025. "
                                 "The field keeps: {kept}."),
    "datefield.outside": ("Ngày {asked} nằm ngoài khoảng cho phép ({low} – {high}). Ô vẫn giữ: {kept}.",
                          "{asked} is outside the allowed span ({low} – {high}). The field keeps: {kept}."),
    "datefield.empty": ("để trống", "empty"),
    "datefield.clear": ("Để trống", "Leave empty"),
    "datefield.pending": ("Có ô ngày chưa hợp lệ (xem thông báo dưới ô): chưa lưu gì. Hãy sửa ngày rồi bấm lưu lại.",
                          "A date field holds an invalid date (see the message under it): nothing was saved. "
                          "Correct the date, then save again."),
}


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The text of ``key`` in ``lang`` with ``values`` filled in; the key itself when unknown.

    ``measure="records"`` picks the key's ``.records`` wording when it has one (the texts that name the
    unit of count: "sổ" / "trường hợp"); any other measure, the key itself."""
    if values.pop("measure", None) == "records" and key + ".records" in CATALOGUE:
        key = key + ".records"
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


# the page's own controls, named by page variants of fixes ("<fix key>.page"): the labels stay in one place
PAGE_CONTROLS = {
    "date_control": "upload.use_date",
    "date_field": "upload.date",
    "sheet_control": "upload.sheet_pick",
    "confirm_control": "upload.confirm_warnings",
    "load_control": "upload.confirm",
    "pick_title": "upload.pick_title",
}
SURFACES = ("cli", "page")


def t_surface(key: str, lang: str = DEFAULT_LANG, surface: str = "cli", **values: Any) -> str:
    """A text worded for where it is read: ``key.page`` or ``key.cli`` when the catalogue has that variant,
    else ``key``. A fix on the Upload page names the page's controls by their labels (``PAGE_CONTROLS``);
    on the command line it names the flags. Unknown surfaces get the neutral wording."""
    variant = f"{key}.{surface}"
    if surface not in SURFACES or variant not in CATALOGUE:
        return t(key, lang, **values)
    if surface == "page":
        values = {**{name: t(label, lang) for name, label in PAGE_CONTROLS.items()}, **values}
    return t(variant, lang, **values)


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
