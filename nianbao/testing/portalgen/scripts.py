"""The scripts a generated portal serves: a small jQuery stand-in (``$(fn)``, ``$(sel).html``,
``$.ajax``/``$.get``/``$.post``), Hanweb ``jpage`` and the gkmlpt app, so that a real
browser renders the lists as the portals' own scripts would (what the ``browser`` crawl and
tests see). Static readers get nothing from them: the list addresses sit in each page."""

JQUERY = r"""/*! jQuery-compatible subset for the mock portals */
(function(){
function q(s){if(typeof s!=='string'){return [s];}
  if(/^#[^ .#]+$/.test(s)){var e=document.getElementById(s.slice(1));return e?[e]:[];}
  return document.querySelectorAll(s);}
function $(a){
  if(typeof a==='function'){if(document.readyState!=='loading'){a();}
    else{document.addEventListener('DOMContentLoaded',a);}return;}
  var els=q(a);
  return {html:function(h){for(var i=0;i<els.length;i++){els[i].innerHTML=h;}return this;},
          jpage:function(o){for(var i=0;i<els.length;i++){jpage(els[i],o);}return this;}};
}
function ajax(o){
  var data=o.data||{},body=[];for(var k in data){body.push(encodeURIComponent(k)+'='+
    encodeURIComponent(data[k]));}
  var post=(o.type||'GET').toUpperCase()==='POST',url=o.url;
  if(!post&&body.length){url+=(url.indexOf('?')<0?'?':'&')+body.join('&');}
  var x=new XMLHttpRequest();x.open(post?'POST':'GET',url,true);
  if(post){x.setRequestHeader('Content-Type','application/x-www-form-urlencoded');}
  x.onreadystatechange=function(){if(x.readyState!==4){return;}
    if(x.status!==200){if(o.error){o.error(x);}return;}
    var r=o.dataType==='xml'?x.responseXML:(o.dataType==='json'?JSON.parse(x.responseText):
      x.responseText);if(o.success){o.success(r);}};
  x.send(post?body.join('&'):null);
}
$.ajax=ajax;
$.get=function(u,d,f,t){ajax({url:u,data:d,success:f,dataType:t});};
$.post=function(u,d,f,t){ajax({url:u,type:'POST',data:d,success:f,dataType:t});};
function jpage(el,o){
  var show=function(recs){var h='';for(var i=0;i<recs.length;i++){h+=recs[i];}
    var ul=document.createElement('ul');ul.innerHTML=h;el.appendChild(ul);};
  var recs=[];
  if(o.dataStore){var d=new DOMParser().parseFromString(o.dataStore,'text/xml');
    var r=d.getElementsByTagName('record');for(var i=0;i<r.length;i++){
      recs.push(r[i].textContent);}}
  if(recs.length){show(recs.slice(0,o.perPage));return;}
  ajax({url:o.proxyUrl+'?startrecord=1&endrecord='+o.perPage+'&perpage='+o.perPage,
        type:'POST',data:o.ajaxParam,dataType:'xml',success:function(x){
          var r=x.getElementsByTagName('record'),l=[];
          for(var i=0;i<r.length;i++){l.push(r[i].textContent);}show(l);}});
}
window.$=window.jQuery=$;
})();
"""

GKMLPT_APP = r"""/* gkmlpt list app (subset): the column in location.hash, else every column */
document.addEventListener('DOMContentLoaded',function(){
var cfg=window._CONFIG||{},cols=window.CLASSIFY||[];
var want=location.hash.replace('#','');
var app=document.getElementById('app');
cols.forEach(function(c){
  if(want&&String(c.id)!==want){return;}
  var x=new XMLHttpRequest();
  x.open('GET',cfg.ROOT+'/api/all/'+c.id+'?page=1&sid='+cfg.SID,true);
  x.onload=function(){var r=JSON.parse(x.responseText),h='<h3>'+c.name+'</h3><ul>';
    r.articles.forEach(function(a){h+='<li><a href="'+a.url+'">'+a.title+'</a></li>';});
    app.insertAdjacentHTML('beforeend',h+'</ul>');};
  x.send();
});
});
"""
